/*
 * names.c - the name tables of the world and the ways systems mangle names.
 *
 * A customer base in Britain and Western Europe is not "John Smith" times
 * three thousand: it has Irish apostrophes, Scottish Mc/Mac, German
 * umlauts, French and Spanish accents, Polish letters outside Latin-1,
 * Nordic rings and slashes, romanised Chinese and Japanese names, South
 * Asian names, double-barrelled and multi-word surnames.  Those are exactly
 * the names that break matching, so the tables here are weighted per
 * country, and the helpers reproduce what real systems do to them: drop the
 * accents, upper-case them for a billing run, shorten them to nicknames and
 * slip on the keyboard.  Everything is UTF-8 and locale-independent.
 */
#include "names.h"

#define T(a) a, GW_ARRAY_LEN(a)

struct table {
	const char *const *v;
	size_t n;
};

static const char *const en_given[] = {
	"James", "John", "Robert", "Michael", "William", "David", "Richard",
	"Thomas", "Christopher", "Daniel", "Matthew", "Anthony", "Andrew",
	"Joseph", "Edward", "Samuel", "Benjamin", "Alexander", "Jonathan",
	"Nicholas", "Stephen", "Oliver", "George", "Harry", "Jack", "Charlie",
	"Mitchell", "Peter", "Paul", "Mark", "Simon", "Graham", "Elizabeth",
	"Katherine", "Margaret", "Jennifer", "Susan", "Sarah", "Emma", "Olivia",
	"Amelia", "Sophie", "Charlotte", "Jessica", "Rebecca", "Victoria",
	"Rachel", "Hannah", "Lucy", "Emily", "Grace", "Chloe", "Megan", "Alice",
	"Helen", "Claire", "Deborah", "Alexandra", "Patricia", "Jacqueline",
	"Zoë", "Chloë", "Renée",
};
static const char *const en_family[] = {
	"Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans",
	"Wilson", "Thomas", "Johnson", "Roberts", "Robinson", "Thompson",
	"Wright", "Walker", "White", "Edwards", "Hughes", "Green", "Hall",
	"Lewis", "Harris", "Clarke", "Jackson", "Wood", "Turner", "Martin",
	"Cooper", "Hill", "Ward", "Morris", "Moore", "Clark", "Lee", "King",
	"Baker", "Harrison", "Morgan", "Allen", "James", "Scott", "Phillips",
	"Watson", "Davis", "Parker", "Price", "Bennett", "Young", "Griffiths",
	"Mitchell", "Kelly", "Cook", "Carter", "Richardson", "Bailey",
	"Collins", "Bell", "Shaw", "Miller", "Cox", "Richards", "Marshall",
	"Anderson", "Simpson", "Ellis", "Adams", "Wilkinson", "Foster",
	"Chapman", "Powell", "Webb", "Rogers", "Gray", "Mason", "Hunt",
	"Matthews", "Owen", "Palmer", "Holmes", "Mills", "Barnes", "Knight",
	"Lloyd", "Butler", "Russell", "Barker", "Fisher", "Stevens", "Jenkins",
	"Dixon", "Fletcher", "Pearson", "ffrench", "St John", "Ap Rhys",
};
static const char *const ie_given[] = {
	"Seán", "Siobhán", "Aoife", "Niamh", "Ciarán", "Pádraig", "Eoin",
	"Oisín", "Róisín", "Saoirse", "Conor", "Declan", "Cian", "Aisling",
	"Caoimhe", "Sinéad", "Orla", "Fionn", "Darragh", "Éabha", "Mary",
	"Patrick", "Michael", "John", "Brendan", "Máire", "Seamus",
};
static const char *const ie_family[] = {
	"O'Brien", "O'Connor", "O'Sullivan", "Murphy", "Kelly", "Byrne",
	"Ryan", "Walsh", "O'Neill", "McCarthy", "Doyle", "Gallagher",
	"Kennedy", "Lynch", "Murray", "Quinn", "Moore", "O'Donnell",
	"Fitzgerald", "Brennan", "Ó Súilleabháin", "Mac Giolla Phádraig",
	"D'Arcy", "Ní Bhriain", "Nic Aodha", "Ó Ceallaigh",
};
static const char *const sc_given[] = {
	"Callum", "Hamish", "Fraser", "Euan", "Alasdair", "Iain", "Ailsa",
	"Isla", "Morag", "Kirsty", "Mhairi", "Catriona", "Angus", "Douglas",
	"Fiona", "Eilidh", "Ruaridh", "Lachlan", "Struan", "Màiri",
};
static const char *const sc_family[] = {
	"McDonald", "MacDonald", "MacLeod", "Campbell", "Stewart",
	"Robertson", "Reid", "Murray", "Ross", "Fraser", "Mackenzie",
	"McGregor", "MacIntyre", "Grant", "Cameron", "Sinclair", "McLean",
	"Buchanan", "Henderson", "Paterson", "McKay", "McEwan",
};
static const char *const de_given[] = {
	"Jürgen", "Jörg", "Lukas", "Felix", "Maximilian", "Johannes", "Stefan",
	"Andreas", "Matthias", "Tobias", "Björn", "Katharina", "Anna", "Lena",
	"Uwe", "Dieter", "Günther", "Käthe", "Hannah", "Sophie", "Greta",
	"Ursula", "Sabine", "Birgit", "Heike", "Franziska", "Lea", "Mia",
	"Jörn", "Bärbel",
};
static const char *const de_family[] = {
	"Müller", "Schmidt", "Schneider", "Fischer", "Weber", "Meyer",
	"Wagner", "Becker", "Schulz", "Hoffmann", "Schäfer", "Koch", "Bauer",
	"Richter", "Klein", "Wolf", "Schröder", "Neumann", "Schwarz",
	"Zimmermann", "Braun", "Krüger", "Hofmann", "Hartmann", "Lange",
	"Weiß", "Köhler", "Groß", "von Bülow", "Meier-Böhm",
};
static const char *const fr_given[] = {
	"Zoë", "François", "Françoise", "Hélène", "Élodie", "Amélie", "Léa",
	"Chloé", "Camille", "Manon", "Jérôme", "Sébastien", "Stéphane",
	"Thierry", "Mathéo", "Noël", "Anaïs", "Gaël", "Loïc", "Céline",
	"Benoît", "Aurélien", "Inès", "Clément", "Théo", "Jean-Pierre",
	"Marie-Claire",
};
static const char *const fr_family[] = {
	"Lefèvre", "Martin", "Bernard", "Dubois", "Thomas", "Robert",
	"Richard", "Petit", "Durand", "Leroy", "Moreau", "Simon", "Laurent",
	"Lefebvre", "Michel", "David", "Bertrand", "Roux", "Vincent",
	"Fournier", "Morel", "Girard", "André", "Mercier", "Dupont", "Lambert",
	"Bonnet", "François", "Faure", "Rousseau", "Blanc", "Guérin",
	"Chevalier", "Gauthier", "Lemaître", "Le Gall", "de la Fontaine",
};
static const char *const es_given[] = {
	"José", "María", "Juan", "Ángel", "Álvaro", "Javier", "Sergio",
	"Pablo", "Alejandro", "Diego", "Lucía", "Sofía", "Martina", "Carmen",
	"Pilar", "Inés", "Raúl", "Rubén", "Jesús", "Begoña", "Nuria", "Íñigo",
	"Marta", "Francisco", "Manuel", "Ana", "Isabel", "María José",
};
static const char *const es_family[] = {
	"García", "Núñez", "Peña", "Fernández", "González", "Rodríguez",
	"López", "Martínez", "Sánchez", "Pérez", "Gómez", "Martín", "Jiménez",
	"Ruiz", "Hernández", "Díaz", "Moreno", "Muñoz", "Álvarez", "Romero",
	"Alonso", "Gutiérrez", "Navarro", "Torres", "Domínguez", "Vázquez",
	"Ramos", "Gil", "Ramírez", "Serrano", "Castillo", "de la Cruz",
	"Ibáñez", "Ortega",
};
static const char *const pl_given[] = {
	"Łukasz", "Michał", "Paweł", "Krzysztof", "Piotr", "Tomasz",
	"Wojciech", "Grzegorz", "Jakub", "Mateusz", "Agnieszka", "Małgorzata",
	"Katarzyna", "Joanna", "Magdalena", "Ewa", "Zofia", "Alicja", "Dorota",
	"Bartłomiej", "Jędrzej",
};
static const char *const pl_family[] = {
	"Wójcik", "Kowalski", "Nowak", "Wiśniewski", "Lewandowski",
	"Kamiński", "Zieliński", "Szymański", "Woźniak", "Dąbrowski",
	"Kozłowski", "Jankowski", "Mazur", "Kwiatkowski", "Krawczyk",
	"Piotrowski", "Grabowski", "Pawłowski", "Michalski", "Król",
	"Wieczorek", "Jabłoński", "Kowalczyk", "Sikora", "Żak",
};
static const char *const no_given[] = {
	"Søren", "Åsa", "Björn", "Bjørn", "Lars", "Erik", "Nils", "Magnus",
	"Sven", "Ingrid", "Astrid", "Sigrid", "Freja", "Maja", "Linnéa",
	"Kjell", "Håkon", "Jens", "Mette", "Birgitta", "Øystein", "Torbjörn",
};
static const char *const no_family[] = {
	"Andersen", "Hansen", "Nielsen", "Jensen", "Pedersen", "Johansson",
	"Karlsson", "Nilsson", "Eriksson", "Larsson", "Olsen", "Lindqvist",
	"Sørensen", "Håkansson", "Bergström", "Åberg", "Sjöberg", "Lindström",
	"Nyström", "Strøm", "Dahl", "Holm", "Berg", "Lund",
};
static const char *const cn_given[] = {
	"Wei", "Jing", "Li", "Min", "Xiaoming", "Yan", "Hui", "Jun", "Lei",
	"Fang", "Mei", "Ling", "Hao", "Yu", "Zhiwei", "Xinyi",
};
static const char *const cn_family[] = {
	"Wang", "Li", "Zhang", "Liu", "Chen", "Yang", "Huang", "Zhao", "Wu",
	"Zhou", "Xu", "Sun", "Ma", "Zhu", "Hu", "Guo", "Lin", "He", "Gao",
	"Luo", "Wong", "Chan", "Cheung", "Lau", "Ng",
};
static const char *const jp_given[] = {
	"Haruto", "Yuto", "Sota", "Hiroshi", "Takashi", "Kenji", "Yuki",
	"Sakura", "Yui", "Aoi", "Hina", "Akiko", "Keiko", "Naoko", "Ren",
	"Daiki", "Shōta", "Yūko",
};
static const char *const jp_family[] = {
	"Sato", "Suzuki", "Takahashi", "Tanaka", "Watanabe", "Ito",
	"Yamamoto", "Nakamura", "Kobayashi", "Kato", "Yoshida", "Yamada",
	"Sasaki", "Yamaguchi", "Matsumoto", "Inoue", "Kimura", "Hayashi",
	"Shimizu", "Saitō", "Itō",
};
static const char *const sa_given[] = {
	"Aarav", "Arjun", "Rohan", "Vikram", "Sanjay", "Rajesh", "Amit",
	"Priya", "Ananya", "Aisha", "Fatima", "Zara", "Imran", "Hassan",
	"Bilal", "Sunita", "Deepak", "Harpreet", "Gurpreet", "Navdeep",
	"Mohammed", "Ayesha", "Nadia", "Kiran", "Ravi",
};
static const char *const sa_family[] = {
	"Patel", "Shah", "Singh", "Kaur", "Khan", "Ahmed", "Ali", "Hussain",
	"Begum", "Sharma", "Gupta", "Kumar", "Chaudhry", "Iqbal", "Rahman",
	"Mistry", "Desai", "Malik", "Akhtar", "Bibi", "Sandhu", "Gill",
	"Dhillon", "Joshi", "Mehta",
};

static const struct table given_tab[C_COUNT] = {
	{ T(en_given) }, { T(ie_given) }, { T(sc_given) }, { T(de_given) },
	{ T(fr_given) }, { T(es_given) }, { T(pl_given) }, { T(no_given) },
	{ T(cn_given) }, { T(jp_given) }, { T(sa_given) },
};
static const struct table family_tab[C_COUNT] = {
	{ T(en_family) }, { T(ie_family) }, { T(sc_family) },
	{ T(de_family) }, { T(fr_family) }, { T(es_family) },
	{ T(pl_family) }, { T(no_family) }, { T(cn_family) },
	{ T(jp_family) }, { T(sa_family) },
};

/* Who lives where: percent of each culture per country (rows sum to 100). */
static const unsigned culture_mix[CO_COUNT][C_COUNT] = {
	/*         EN  IE  SC  DE  FR  ES  PL  NO  CN  JP  SA */
	[CO_GB] = { 57,  6, 10,  2,  2,  2,  5,  1,  3,  1, 11 },
	[CO_US] = { 55, 10,  3,  6,  2, 15,  2,  1,  3,  1,  2 },
	[CO_IE] = { 12, 70,  2,  2,  2,  0, 10,  0,  1,  0,  1 },
	[CO_DE] = {  3,  0,  0, 80,  2,  2,  8,  3,  1,  1,  0 },
	[CO_FR] = {  3,  0,  0,  2, 85,  5,  2,  0,  2,  1,  0 },
	[CO_ES] = {  3,  0,  0,  2,  3, 90,  1,  0,  1,  0,  0 },
};

void names_pick(struct rng *r, unsigned country, struct pname *n)
{
	unsigned c = rng_weighted(r, culture_mix[country], C_COUNT);
	const struct table *g = &given_tab[c], *f = &family_tab[c];
	unsigned mid_bp = (c == C_CN || c == C_JP || c == C_ES) ? 500 : 3000;

	n->culture = c;
	gw_copy(n->given, sizeof(n->given), rng_pick(r, g->v, g->n));
	gw_copy(n->family, sizeof(n->family), rng_pick(r, f->v, f->n));
	n->middle[0] = '\0';
	if (rng_bp(r, mid_bp)) {
		const char *m = rng_pick(r, g->v, g->n);

		if (strcmp(m, n->given) != 0)
			gw_copy(n->middle, sizeof(n->middle), m);
	}
	/* Double-barrelled English names; Spanish two-surname names. */
	if ((c == C_EN && rng_bp(r, 300)) || (c == C_ES && rng_bp(r, 3000))) {
		const char *second = rng_pick(r, f->v, f->n);

		if (strcmp(second, n->family) != 0 && !strchr(second, ' ')) {
			gw_append(n->family, sizeof(n->family), c == C_EN ? "-" : " ");
			gw_append(n->family, sizeof(n->family), second);
		}
	}
}

static const struct {
	const char *formal;
	const char *nick[3];
} nicknames[] = {
	{ "Robert", { "Bob", "Rob", "Bobby" } },
	{ "William", { "Bill", "Will", "Billy" } },
	{ "Elizabeth", { "Liz", "Beth", "Lizzie" } },
	{ "Katherine", { "Kate", "Kathy", "Katie" } },
	{ "Michael", { "Mike", "Mick", "Mikey" } },
	{ "James", { "Jim", "Jamie", "Jimmy" } },
	{ "Richard", { "Rich", "Rick", "Dick" } },
	{ "Thomas", { "Tom", "Tommy", "Tom" } },
	{ "Christopher", { "Chris", "Kit", "Chris" } },
	{ "Daniel", { "Dan", "Danny", "Dan" } },
	{ "Matthew", { "Matt", "Matty", "Matt" } },
	{ "Anthony", { "Tony", "Ant", "Tony" } },
	{ "Andrew", { "Andy", "Drew", "Andy" } },
	{ "Joseph", { "Joe", "Joey", "Joe" } },
	{ "Edward", { "Ed", "Ted", "Eddie" } },
	{ "Samuel", { "Sam", "Sammy", "Sam" } },
	{ "Benjamin", { "Ben", "Benji", "Ben" } },
	{ "Alexander", { "Alex", "Sandy", "Alex" } },
	{ "Jonathan", { "Jon", "Jonny", "Jon" } },
	{ "Nicholas", { "Nick", "Nicky", "Nick" } },
	{ "Stephen", { "Steve", "Stevie", "Steve" } },
	{ "Peter", { "Pete", "Pete", "Pete" } },
	{ "Oliver", { "Ollie", "Olly", "Ollie" } },
	{ "Mitchell", { "Mitch", "Mitch", "Mitch" } },
	{ "Douglas", { "Doug", "Dougie", "Doug" } },
	{ "Patrick", { "Paddy", "Pat", "Paddy" } },
	{ "Jennifer", { "Jen", "Jenny", "Jenn" } },
	{ "Margaret", { "Maggie", "Peggy", "Meg" } },
	{ "Susan", { "Sue", "Susie", "Sue" } },
	{ "Rebecca", { "Becky", "Becca", "Becky" } },
	{ "Victoria", { "Vicky", "Tori", "Vic" } },
	{ "Jessica", { "Jess", "Jessie", "Jess" } },
	{ "Charlotte", { "Charlie", "Lottie", "Lotte" } },
	{ "Deborah", { "Debbie", "Deb", "Debs" } },
	{ "Alexandra", { "Alex", "Lexi", "Sasha" } },
	{ "Patricia", { "Pat", "Trish", "Patty" } },
	{ "Jacqueline", { "Jackie", "Jacqui", "Jackie" } },
	{ "Francisco", { "Paco", "Curro", "Paco" } },
	{ "José", { "Pepe", "Pepe", "Pepe" } },
	{ "Manuel", { "Manolo", "Manu", "Manolo" } },
	{ "Johannes", { "Hans", "Jo", "Hannes" } },
	{ "Katharina", { "Kathi", "Katja", "Kathi" } },
	{ "Maximilian", { "Max", "Maxi", "Max" } },
	{ "Franziska", { "Franzi", "Franzi", "Franzi" } },
	{ "Małgorzata", { "Gosia", "Małgosia", "Gosia" } },
	{ "Katarzyna", { "Kasia", "Kasia", "Kasia" } },
	{ "Wojciech", { "Wojtek", "Wojtek", "Wojtek" } },
	{ "Bartłomiej", { "Bartek", "Bartek", "Bartek" } },
	{ "Mohammed", { "Mo", "Mo", "Mo" } },
	{ "Alasdair", { "Ali", "Ally", "Ali" } },
	{ "Catriona", { "Cat", "Cat", "Cat" } },
	{ "Amelia", { "Millie", "Amy", "Mia" } },
	{ "Emily", { "Em", "Emmy", "Em" } },
	{ "Samantha", { "Sam", "Sammy", "Sam" } },
};

const char *names_nickname(const char *given, struct rng *r)
{
	for (size_t i = 0; i < GW_ARRAY_LEN(nicknames); i++)
		if (strcmp(nicknames[i].formal, given) == 0)
			return nicknames[i].nick[rng_below(r, 3)];
	return NULL;
}

/*
 * Every non-ASCII letter the tables use: lower and upper UTF-8 forms, the
 * plain-ASCII fold a web form makes, and the German-style transliteration
 * (ü -> ue) some systems make instead.
 */
static const struct {
	const char *lower, *upper, *ascii, *german;
} letters[] = {
	{ "à", "À", "a", "a" }, { "á", "Á", "a", "a" }, { "â", "Â", "a", "a" },
	{ "ã", "Ã", "a", "a" }, { "ä", "Ä", "a", "ae" }, { "å", "Å", "a", "aa" },
	{ "æ", "Æ", "ae", "ae" }, { "ç", "Ç", "c", "c" }, { "è", "È", "e", "e" },
	{ "é", "É", "e", "e" }, { "ê", "Ê", "e", "e" }, { "ë", "Ë", "e", "e" },
	{ "ì", "Ì", "i", "i" }, { "í", "Í", "i", "i" }, { "î", "Î", "i", "i" },
	{ "ï", "Ï", "i", "i" }, { "ñ", "Ñ", "n", "n" }, { "ò", "Ò", "o", "o" },
	{ "ó", "Ó", "o", "o" }, { "ô", "Ô", "o", "o" }, { "õ", "Õ", "o", "o" },
	{ "ö", "Ö", "o", "oe" }, { "ø", "Ø", "o", "oe" }, { "ù", "Ù", "u", "u" },
	{ "ú", "Ú", "u", "u" }, { "û", "Û", "u", "u" }, { "ü", "Ü", "u", "ue" },
	{ "ý", "Ý", "y", "y" }, { "ß", "SS", "ss", "ss" }, { "ą", "Ą", "a", "a" },
	{ "ć", "Ć", "c", "c" }, { "ę", "Ę", "e", "e" }, { "ł", "Ł", "l", "l" },
	{ "ń", "Ń", "n", "n" }, { "ś", "Ś", "s", "s" }, { "ź", "Ź", "z", "z" },
	{ "ż", "Ż", "z", "z" }, { "ō", "Ō", "o", "ou" }, { "ū", "Ū", "u", "uu" },
};

/*
 * Index of the letters[] entry s starts with; *upper says which form.
 * Every entry is a two-byte sequence (or "SS", never matched as upper),
 * so two byte compares do; this runs for every accented letter written.
 */
static int letter_at(const char *s, int *upper, size_t *len)
{
	if ((unsigned char)s[0] < 0x80 || !s[1])
		return -1;
	for (size_t i = 0; i < GW_ARRAY_LEN(letters); i++) {
		const char *l = letters[i].lower, *u = letters[i].upper;

		if (l[0] == s[0] && l[1] == s[1]) {
			*upper = 0;
			*len = 2;
			return (int)i;
		}
		if (u[0] == s[0] && u[1] == s[1]) {
			*upper = 1;
			*len = 2;
			return (int)i;
		}
	}
	return -1;
}

/* Length of the UTF-8 sequence starting with byte c (1 for stray bytes). */
static size_t utf8_len(unsigned char c)
{
	if (c >= 0xf0)
		return 4;
	if (c >= 0xe0)
		return 3;
	if (c >= 0xc0)
		return 2;
	return 1;
}

static void put_bytes(char *dst, size_t cap, size_t *o, const char *s, size_t n)
{
	for (size_t i = 0; i < n && *o + 1 < cap; i++)
		dst[(*o)++] = s[i];
	dst[*o] = '\0';
}

int names_has_accent(const char *s)
{
	for (; *s; s++)
		if ((unsigned char)*s >= 0x80)
			return 1;
	return 0;
}

void names_fold(char *dst, size_t cap, const char *src, int german)
{
	size_t o = 0;

	dst[0] = '\0';
	while (*src) {
		int up;
		size_t len;
		int i = letter_at(src, &up, &len);

		if (i < 0) {
			len = utf8_len((unsigned char)*src);
			put_bytes(dst, cap, &o, src, len);
		} else {
			const char *a = german ? letters[i].german : letters[i].ascii;
			char tmp[4] = { 0 };

			gw_copy(tmp, sizeof(tmp), a);
			if (up)
				tmp[0] = (char)(tmp[0] - 'a' + 'A');
			put_bytes(dst, cap, &o, tmp, strlen(tmp));
		}
		src += len;
	}
}

void names_upper(char *dst, size_t cap, const char *src)
{
	size_t o = 0;

	dst[0] = '\0';
	while (*src) {
		int up;
		size_t len;
		int i = letter_at(src, &up, &len);

		if (i >= 0) {
			const char *u = letters[i].upper;

			put_bytes(dst, cap, &o, u, strlen(u));
		} else if (*src >= 'a' && *src <= 'z') {
			char c = (char)(*src - 'a' + 'A');

			len = 1;
			put_bytes(dst, cap, &o, &c, 1);
		} else {
			len = utf8_len((unsigned char)*src);
			put_bytes(dst, cap, &o, src, len);
		}
		src += len;
	}
}

void names_local(char *dst, size_t cap, const char *src, int german)
{
	char tmp[NAME_CAP * 2];
	size_t o = 0;

	names_fold(tmp, sizeof(tmp), src, german);
	for (const char *p = tmp; *p && o + 1 < cap; p++) {
		char c = *p;

		if (c >= 'A' && c <= 'Z')
			c = (char)(c - 'A' + 'a');
		if ((c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-')
			dst[o++] = c;
	}
	dst[o] = '\0';
}

static const char *const keyboard[26] = {
	"qwsz", "vghn", "xdfv", "serfcx", "wsdr", "drtgvc", "ftyhbv", "gyujnb",
	"ujko", "huikmn", "jiolm", "kop", "njk", "bhjm", "iklp", "ol", "wa",
	"edft", "awedxz", "rfgy", "yhji", "cfgb", "qase", "zsdc", "tghu", "asx",
};

static int is_lower_ascii(char c)
{
	return c >= 'a' && c <= 'z';
}

void names_typo(char *s, struct rng *r)
{
	size_t len = strlen(s);

	for (int attempt = 0; attempt < 16 && len >= 3; attempt++) {
		size_t i = 1 + rng_below(r, (uint32_t)(len - 1));
		unsigned op = rng_below(r, 3);

		if (!is_lower_ascii(s[i]))
			continue;
		if (op == 0 && i + 1 < len && is_lower_ascii(s[i + 1]) &&
		    s[i] != s[i + 1]) {
			char t = s[i];

			s[i] = s[i + 1];
			s[i + 1] = t;
			return;
		}
		if (op == 1 && len >= 4) {
			memmove(s + i, s + i + 1, len - i);
			return;
		}
		if (op == 2) {
			const char *k = keyboard[s[i] - 'a'];

			s[i] = k[rng_below(r, (uint32_t)strlen(k))];
			return;
		}
	}
}
