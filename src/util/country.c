/*
 * country.c - the ISO 3166-1 table and the text folding that matches it.
 *
 * Lookup is by code first (two or three letters after dropping dots), then
 * by comparing a folded key of the text with folded names and aliases.  The
 * fold lower-cases, turns accented Latin letters into plain ASCII, drops
 * dots and apostrophes, makes every other punctuation a word break, drops a
 * leading "the" and reads "st" as "saint", so one table entry matches the
 * many ways people write it.
 *
 * Lookups run for several fields of every record, from several threads,
 * so they are O(1) or O(log n): direct tables from alpha-2 and alpha-3
 * letters to the country, and the folded names and aliases sorted for a
 * binary search.  These indexes are derived from the readable tables below
 * once per process (pthread_once, which also publishes them safely to
 * every thread) and never change after, so the tables cannot drift from
 * their keys and nobody has to set anything up.
 */
#include "country.h"

#include <ctype.h>
#include <pthread.h>

#include "common.h"

/* Longest folded key compared.  The longest ISO name folds to 52 bytes;
 * anything longer than this cannot match and is not worth folding. */
#define COUNTRY_KEY_MAX 96

/* Sorted by alpha2 (binary search depends on it; a unit test checks it).
 * Names are ISO's English short names in their usual list form; calling
 * codes are ITU-T E.164 assignments, 0 for uninhabited territories with no
 * telephone service of their own. */
static const struct country countries[COUNTRY_COUNT] = {
	{ "AD", "AND", "Andorra", 376 },
	{ "AE", "ARE", "United Arab Emirates", 971 },
	{ "AF", "AFG", "Afghanistan", 93 },
	{ "AG", "ATG", "Antigua and Barbuda", 1 },
	{ "AI", "AIA", "Anguilla", 1 },
	{ "AL", "ALB", "Albania", 355 },
	{ "AM", "ARM", "Armenia", 374 },
	{ "AO", "AGO", "Angola", 244 },
	{ "AQ", "ATA", "Antarctica", 672 },
	{ "AR", "ARG", "Argentina", 54 },
	{ "AS", "ASM", "American Samoa", 1 },
	{ "AT", "AUT", "Austria", 43 },
	{ "AU", "AUS", "Australia", 61 },
	{ "AW", "ABW", "Aruba", 297 },
	{ "AX", "ALA", "Åland Islands", 358 },
	{ "AZ", "AZE", "Azerbaijan", 994 },
	{ "BA", "BIH", "Bosnia and Herzegovina", 387 },
	{ "BB", "BRB", "Barbados", 1 },
	{ "BD", "BGD", "Bangladesh", 880 },
	{ "BE", "BEL", "Belgium", 32 },
	{ "BF", "BFA", "Burkina Faso", 226 },
	{ "BG", "BGR", "Bulgaria", 359 },
	{ "BH", "BHR", "Bahrain", 973 },
	{ "BI", "BDI", "Burundi", 257 },
	{ "BJ", "BEN", "Benin", 229 },
	{ "BL", "BLM", "Saint Barthélemy", 590 },
	{ "BM", "BMU", "Bermuda", 1 },
	{ "BN", "BRN", "Brunei Darussalam", 673 },
	{ "BO", "BOL", "Bolivia (Plurinational State of)", 591 },
	{ "BQ", "BES", "Bonaire, Sint Eustatius and Saba", 599 },
	{ "BR", "BRA", "Brazil", 55 },
	{ "BS", "BHS", "Bahamas", 1 },
	{ "BT", "BTN", "Bhutan", 975 },
	{ "BV", "BVT", "Bouvet Island", 0 },
	{ "BW", "BWA", "Botswana", 267 },
	{ "BY", "BLR", "Belarus", 375 },
	{ "BZ", "BLZ", "Belize", 501 },
	{ "CA", "CAN", "Canada", 1 },
	{ "CC", "CCK", "Cocos (Keeling) Islands", 61 },
	{ "CD", "COD", "Congo, Democratic Republic of the", 243 },
	{ "CF", "CAF", "Central African Republic", 236 },
	{ "CG", "COG", "Congo", 242 },
	{ "CH", "CHE", "Switzerland", 41 },
	{ "CI", "CIV", "Côte d'Ivoire", 225 },
	{ "CK", "COK", "Cook Islands", 682 },
	{ "CL", "CHL", "Chile", 56 },
	{ "CM", "CMR", "Cameroon", 237 },
	{ "CN", "CHN", "China", 86 },
	{ "CO", "COL", "Colombia", 57 },
	{ "CR", "CRI", "Costa Rica", 506 },
	{ "CU", "CUB", "Cuba", 53 },
	{ "CV", "CPV", "Cabo Verde", 238 },
	{ "CW", "CUW", "Curaçao", 599 },
	{ "CX", "CXR", "Christmas Island", 61 },
	{ "CY", "CYP", "Cyprus", 357 },
	{ "CZ", "CZE", "Czechia", 420 },
	{ "DE", "DEU", "Germany", 49 },
	{ "DJ", "DJI", "Djibouti", 253 },
	{ "DK", "DNK", "Denmark", 45 },
	{ "DM", "DMA", "Dominica", 1 },
	{ "DO", "DOM", "Dominican Republic", 1 },
	{ "DZ", "DZA", "Algeria", 213 },
	{ "EC", "ECU", "Ecuador", 593 },
	{ "EE", "EST", "Estonia", 372 },
	{ "EG", "EGY", "Egypt", 20 },
	{ "EH", "ESH", "Western Sahara", 212 },
	{ "ER", "ERI", "Eritrea", 291 },
	{ "ES", "ESP", "Spain", 34 },
	{ "ET", "ETH", "Ethiopia", 251 },
	{ "FI", "FIN", "Finland", 358 },
	{ "FJ", "FJI", "Fiji", 679 },
	{ "FK", "FLK", "Falkland Islands (Malvinas)", 500 },
	{ "FM", "FSM", "Micronesia (Federated States of)", 691 },
	{ "FO", "FRO", "Faroe Islands", 298 },
	{ "FR", "FRA", "France", 33 },
	{ "GA", "GAB", "Gabon", 241 },
	{ "GB", "GBR", "United Kingdom of Great Britain and Northern Ireland", 44 },
	{ "GD", "GRD", "Grenada", 1 },
	{ "GE", "GEO", "Georgia", 995 },
	{ "GF", "GUF", "French Guiana", 594 },
	{ "GG", "GGY", "Guernsey", 44 },
	{ "GH", "GHA", "Ghana", 233 },
	{ "GI", "GIB", "Gibraltar", 350 },
	{ "GL", "GRL", "Greenland", 299 },
	{ "GM", "GMB", "Gambia", 220 },
	{ "GN", "GIN", "Guinea", 224 },
	{ "GP", "GLP", "Guadeloupe", 590 },
	{ "GQ", "GNQ", "Equatorial Guinea", 240 },
	{ "GR", "GRC", "Greece", 30 },
	{ "GS", "SGS", "South Georgia and the South Sandwich Islands", 500 },
	{ "GT", "GTM", "Guatemala", 502 },
	{ "GU", "GUM", "Guam", 1 },
	{ "GW", "GNB", "Guinea-Bissau", 245 },
	{ "GY", "GUY", "Guyana", 592 },
	{ "HK", "HKG", "Hong Kong", 852 },
	{ "HM", "HMD", "Heard Island and McDonald Islands", 0 },
	{ "HN", "HND", "Honduras", 504 },
	{ "HR", "HRV", "Croatia", 385 },
	{ "HT", "HTI", "Haiti", 509 },
	{ "HU", "HUN", "Hungary", 36 },
	{ "ID", "IDN", "Indonesia", 62 },
	{ "IE", "IRL", "Ireland", 353 },
	{ "IL", "ISR", "Israel", 972 },
	{ "IM", "IMN", "Isle of Man", 44 },
	{ "IN", "IND", "India", 91 },
	{ "IO", "IOT", "British Indian Ocean Territory", 246 },
	{ "IQ", "IRQ", "Iraq", 964 },
	{ "IR", "IRN", "Iran (Islamic Republic of)", 98 },
	{ "IS", "ISL", "Iceland", 354 },
	{ "IT", "ITA", "Italy", 39 },
	{ "JE", "JEY", "Jersey", 44 },
	{ "JM", "JAM", "Jamaica", 1 },
	{ "JO", "JOR", "Jordan", 962 },
	{ "JP", "JPN", "Japan", 81 },
	{ "KE", "KEN", "Kenya", 254 },
	{ "KG", "KGZ", "Kyrgyzstan", 996 },
	{ "KH", "KHM", "Cambodia", 855 },
	{ "KI", "KIR", "Kiribati", 686 },
	{ "KM", "COM", "Comoros", 269 },
	{ "KN", "KNA", "Saint Kitts and Nevis", 1 },
	{ "KP", "PRK", "Korea (Democratic People's Republic of)", 850 },
	{ "KR", "KOR", "Korea, Republic of", 82 },
	{ "KW", "KWT", "Kuwait", 965 },
	{ "KY", "CYM", "Cayman Islands", 1 },
	{ "KZ", "KAZ", "Kazakhstan", 7 },
	{ "LA", "LAO", "Lao People's Democratic Republic", 856 },
	{ "LB", "LBN", "Lebanon", 961 },
	{ "LC", "LCA", "Saint Lucia", 1 },
	{ "LI", "LIE", "Liechtenstein", 423 },
	{ "LK", "LKA", "Sri Lanka", 94 },
	{ "LR", "LBR", "Liberia", 231 },
	{ "LS", "LSO", "Lesotho", 266 },
	{ "LT", "LTU", "Lithuania", 370 },
	{ "LU", "LUX", "Luxembourg", 352 },
	{ "LV", "LVA", "Latvia", 371 },
	{ "LY", "LBY", "Libya", 218 },
	{ "MA", "MAR", "Morocco", 212 },
	{ "MC", "MCO", "Monaco", 377 },
	{ "MD", "MDA", "Moldova, Republic of", 373 },
	{ "ME", "MNE", "Montenegro", 382 },
	{ "MF", "MAF", "Saint Martin (French part)", 590 },
	{ "MG", "MDG", "Madagascar", 261 },
	{ "MH", "MHL", "Marshall Islands", 692 },
	{ "MK", "MKD", "North Macedonia", 389 },
	{ "ML", "MLI", "Mali", 223 },
	{ "MM", "MMR", "Myanmar", 95 },
	{ "MN", "MNG", "Mongolia", 976 },
	{ "MO", "MAC", "Macao", 853 },
	{ "MP", "MNP", "Northern Mariana Islands", 1 },
	{ "MQ", "MTQ", "Martinique", 596 },
	{ "MR", "MRT", "Mauritania", 222 },
	{ "MS", "MSR", "Montserrat", 1 },
	{ "MT", "MLT", "Malta", 356 },
	{ "MU", "MUS", "Mauritius", 230 },
	{ "MV", "MDV", "Maldives", 960 },
	{ "MW", "MWI", "Malawi", 265 },
	{ "MX", "MEX", "Mexico", 52 },
	{ "MY", "MYS", "Malaysia", 60 },
	{ "MZ", "MOZ", "Mozambique", 258 },
	{ "NA", "NAM", "Namibia", 264 },
	{ "NC", "NCL", "New Caledonia", 687 },
	{ "NE", "NER", "Niger", 227 },
	{ "NF", "NFK", "Norfolk Island", 672 },
	{ "NG", "NGA", "Nigeria", 234 },
	{ "NI", "NIC", "Nicaragua", 505 },
	{ "NL", "NLD", "Netherlands, Kingdom of the", 31 },
	{ "NO", "NOR", "Norway", 47 },
	{ "NP", "NPL", "Nepal", 977 },
	{ "NR", "NRU", "Nauru", 674 },
	{ "NU", "NIU", "Niue", 683 },
	{ "NZ", "NZL", "New Zealand", 64 },
	{ "OM", "OMN", "Oman", 968 },
	{ "PA", "PAN", "Panama", 507 },
	{ "PE", "PER", "Peru", 51 },
	{ "PF", "PYF", "French Polynesia", 689 },
	{ "PG", "PNG", "Papua New Guinea", 675 },
	{ "PH", "PHL", "Philippines", 63 },
	{ "PK", "PAK", "Pakistan", 92 },
	{ "PL", "POL", "Poland", 48 },
	{ "PM", "SPM", "Saint Pierre and Miquelon", 508 },
	{ "PN", "PCN", "Pitcairn", 64 },
	{ "PR", "PRI", "Puerto Rico", 1 },
	{ "PS", "PSE", "Palestine, State of", 970 },
	{ "PT", "PRT", "Portugal", 351 },
	{ "PW", "PLW", "Palau", 680 },
	{ "PY", "PRY", "Paraguay", 595 },
	{ "QA", "QAT", "Qatar", 974 },
	{ "RE", "REU", "Réunion", 262 },
	{ "RO", "ROU", "Romania", 40 },
	{ "RS", "SRB", "Serbia", 381 },
	{ "RU", "RUS", "Russian Federation", 7 },
	{ "RW", "RWA", "Rwanda", 250 },
	{ "SA", "SAU", "Saudi Arabia", 966 },
	{ "SB", "SLB", "Solomon Islands", 677 },
	{ "SC", "SYC", "Seychelles", 248 },
	{ "SD", "SDN", "Sudan", 249 },
	{ "SE", "SWE", "Sweden", 46 },
	{ "SG", "SGP", "Singapore", 65 },
	{ "SH", "SHN", "Saint Helena, Ascension and Tristan da Cunha", 290 },
	{ "SI", "SVN", "Slovenia", 386 },
	{ "SJ", "SJM", "Svalbard and Jan Mayen", 47 },
	{ "SK", "SVK", "Slovakia", 421 },
	{ "SL", "SLE", "Sierra Leone", 232 },
	{ "SM", "SMR", "San Marino", 378 },
	{ "SN", "SEN", "Senegal", 221 },
	{ "SO", "SOM", "Somalia", 252 },
	{ "SR", "SUR", "Suriname", 597 },
	{ "SS", "SSD", "South Sudan", 211 },
	{ "ST", "STP", "Sao Tome and Principe", 239 },
	{ "SV", "SLV", "El Salvador", 503 },
	{ "SX", "SXM", "Sint Maarten (Dutch part)", 1 },
	{ "SY", "SYR", "Syrian Arab Republic", 963 },
	{ "SZ", "SWZ", "Eswatini", 268 },
	{ "TC", "TCA", "Turks and Caicos Islands", 1 },
	{ "TD", "TCD", "Chad", 235 },
	{ "TF", "ATF", "French Southern Territories", 262 },
	{ "TG", "TGO", "Togo", 228 },
	{ "TH", "THA", "Thailand", 66 },
	{ "TJ", "TJK", "Tajikistan", 992 },
	{ "TK", "TKL", "Tokelau", 690 },
	{ "TL", "TLS", "Timor-Leste", 670 },
	{ "TM", "TKM", "Turkmenistan", 993 },
	{ "TN", "TUN", "Tunisia", 216 },
	{ "TO", "TON", "Tonga", 676 },
	{ "TR", "TUR", "Türkiye", 90 },
	{ "TT", "TTO", "Trinidad and Tobago", 1 },
	{ "TV", "TUV", "Tuvalu", 688 },
	{ "TW", "TWN", "Taiwan, Province of China", 886 },
	{ "TZ", "TZA", "Tanzania, United Republic of", 255 },
	{ "UA", "UKR", "Ukraine", 380 },
	{ "UG", "UGA", "Uganda", 256 },
	{ "UM", "UMI", "United States Minor Outlying Islands", 1 },
	{ "US", "USA", "United States of America", 1 },
	{ "UY", "URY", "Uruguay", 598 },
	{ "UZ", "UZB", "Uzbekistan", 998 },
	{ "VA", "VAT", "Holy See", 39 },
	{ "VC", "VCT", "Saint Vincent and the Grenadines", 1 },
	{ "VE", "VEN", "Venezuela (Bolivarian Republic of)", 58 },
	{ "VG", "VGB", "Virgin Islands (British)", 1 },
	{ "VI", "VIR", "Virgin Islands (U.S.)", 1 },
	{ "VN", "VNM", "Viet Nam", 84 },
	{ "VU", "VUT", "Vanuatu", 678 },
	{ "WF", "WLF", "Wallis and Futuna", 681 },
	{ "WS", "WSM", "Samoa", 685 },
	{ "YE", "YEM", "Yemen", 967 },
	{ "YT", "MYT", "Mayotte", 262 },
	{ "ZA", "ZAF", "South Africa", 27 },
	{ "ZM", "ZMB", "Zambia", 260 },
	{ "ZW", "ZWE", "Zimbabwe", 263 },
};

/* Other ways people write a country: common English names, endonyms and
 * abbreviations.  Written as people write them; they are folded like the
 * input, so "U.S.A." or "the Netherlands" need no entry of their own. */
struct country_alias {
	const char *text;
	char alpha2[3];
};

static const struct country_alias aliases[] = {
	{ "United Kingdom", "GB" },
	{ "UK", "GB" },
	{ "Great Britain", "GB" },
	{ "Britain", "GB" },
	{ "England", "GB" },
	{ "Scotland", "GB" },
	{ "Wales", "GB" },
	{ "Cymru", "GB" },
	{ "Northern Ireland", "GB" },
	{ "United States", "US" },
	{ "America", "US" },
	{ "Deutschland", "DE" },
	{ "Federal Republic of Germany", "DE" },
	{ "Éire", "IE" },
	{ "Republic of Ireland", "IE" },
	{ "ROI", "IE" },
	{ "Holland", "NL" },
	{ "Netherlands", "NL" },
	{ "Nederland", "NL" },
	{ "España", "ES" },
	{ "Italia", "IT" },
	{ "Belgique", "BE" },
	{ "België", "BE" },
	{ "Belgien", "BE" },
	{ "Schweiz", "CH" },
	{ "Suisse", "CH" },
	{ "Svizzera", "CH" },
	{ "Österreich", "AT" },
	{ "Oesterreich", "AT" },
	{ "Danmark", "DK" },
	{ "Sverige", "SE" },
	{ "Norge", "NO" },
	{ "Suomi", "FI" },
	{ "Polska", "PL" },
	{ "Czech Republic", "CZ" },
	{ "Česko", "CZ" },
	{ "Česká republika", "CZ" },
	{ "Slovensko", "SK" },
	{ "Slovenija", "SI" },
	{ "Hrvatska", "HR" },
	{ "Magyarország", "HU" },
	{ "Hellas", "GR" },
	{ "Ellada", "GR" },
	{ "Brasil", "BR" },
	{ "Russia", "RU" },
	{ "South Korea", "KR" },
	{ "Republic of Korea", "KR" },
	{ "North Korea", "KP" },
	{ "Iran", "IR" },
	{ "Syria", "SY" },
	{ "Venezuela", "VE" },
	{ "Bolivia", "BO" },
	{ "Tanzania", "TZ" },
	{ "Moldova", "MD" },
	{ "Laos", "LA" },
	{ "Vietnam", "VN" },
	{ "Micronesia", "FM" },
	{ "Taiwan", "TW" },
	{ "Palestine", "PS" },
	{ "Brunei", "BN" },
	{ "Cape Verde", "CV" },
	{ "Ivory Coast", "CI" },
	{ "Macedonia", "MK" },
	{ "Swaziland", "SZ" },
	{ "Turkey", "TR" },
	{ "Burma", "MM" },
	{ "East Timor", "TL" },
	{ "Macau", "MO" },
	{ "Falkland Islands", "FK" },
	{ "Democratic Republic of the Congo", "CD" },
	{ "DR Congo", "CD" },
	{ "DRC", "CD" },
	{ "Republic of the Congo", "CG" },
	{ "Vatican", "VA" },
	{ "Vatican City", "VA" },
	{ "British Virgin Islands", "VG" },
	{ "US Virgin Islands", "VI" },
	{ "Saint Martin", "MF" },
	{ "Sint Maarten", "SX" },
	{ "Saint Helena", "SH" },
	{ "UAE", "AE" },
	{ "People's Republic of China", "CN" },
	{ "PRC", "CN" },
	{ "Nippon", "JP" },
	{ "Nihon", "JP" },
	{ "Aotearoa", "NZ" },
	{ "Bharat", "IN" },
	{ "México", "MX" },
	{ "Bosnia", "BA" },
};

const struct country *country_at(size_t i)
{
	return i < COUNTRY_COUNT ? &countries[i] : NULL;
}

static int upper_ascii(int c)
{
	return (c >= 'a' && c <= 'z') ? c - 'a' + 'A' : c;
}

static bool is_alpha_ascii(int c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

/* ---- the indexes (see the top of the file) ---------------------------- */

/* A table name or alias, folded; prio is its place in the search order the
 * lookup promises (names in table order, then aliases in theirs), so that
 * when two strings fold alike the first one wins. */
struct folded_name {
	char key[COUNTRY_KEY_MAX];
	unsigned char len;
	unsigned char country;	/* index into countries */
	unsigned short prio;
};

#define COUNTRY_NAMES (COUNTRY_COUNT + ARRAY_SIZE(aliases))

struct country_index {
	/* index into countries + 1, 0 for none */
	unsigned char by_alpha2[26 * 26];
	unsigned char by_alpha3[26 * 26 * 26];
	/* sorted by length, then bytes, then prio */
	struct folded_name names[COUNTRY_NAMES];
	size_t n_names;
};

static struct country_index index_tables;
static pthread_once_t index_once = PTHREAD_ONCE_INIT;

/* Built by index_build(), after the folding it uses. */
static void index_build(void);

static const struct country_index *country_index(void)
{
	pthread_once(&index_once, index_build);
	return &index_tables;
}

/* 0-25 for an ASCII letter in either case, else -1. */
static int letter_index(unsigned char c)
{
	int u = upper_ascii(c);

	return (u >= 'A' && u <= 'Z') ? u - 'A' : -1;
}

/* s is exactly two bytes; no need for it to be NUL-terminated. */
static const struct country *by_code2(const char *s)
{
	int a = letter_index((unsigned char)s[0]);
	int b = letter_index((unsigned char)s[1]);
	unsigned char i;

	if (a < 0 || b < 0)
		return NULL;	/* every code is two letters */
	i = country_index()->by_alpha2[a * 26 + b];
	return i ? &countries[i - 1] : NULL;
}

/* s is exactly three bytes. */
static const struct country *by_code3(const char *s)
{
	int a = letter_index((unsigned char)s[0]);
	int b = letter_index((unsigned char)s[1]);
	int c = letter_index((unsigned char)s[2]);
	unsigned char i;

	if (a < 0 || b < 0 || c < 0)
		return NULL;
	i = country_index()->by_alpha3[(a * 26 + b) * 26 + c];
	return i ? &countries[i - 1] : NULL;
}

const struct country *country_by_code(const char *alpha2)
{
	if (!alpha2 || !alpha2[0] || !alpha2[1] || alpha2[2])
		return NULL;
	return by_code2(alpha2);
}

bool country_valid_alpha2(const char *s, size_t len)
{
	return s && len == 2 && is_alpha_ascii((unsigned char)s[0]) &&
	       is_alpha_ascii((unsigned char)s[1]) && by_code2(s) != NULL;
}

/*
 * ASCII spellings of the accented Latin letters (U+00C0 to U+017F) that
 * country names in Europe and the Americas use.  Code points not listed
 * (the multiplication and division signs) act as word breaks.
 */
struct latin_fold {
	unsigned short first, last;
	char ascii[3];
};

static const struct latin_fold latin_folds[] = {
	{ 0xC0, 0xC5, "a" }, { 0xC6, 0xC6, "ae" }, { 0xC7, 0xC7, "c" },
	{ 0xC8, 0xCB, "e" }, { 0xCC, 0xCF, "i" }, { 0xD0, 0xD0, "d" },
	{ 0xD1, 0xD1, "n" }, { 0xD2, 0xD6, "o" }, { 0xD8, 0xD8, "o" },
	{ 0xD9, 0xDC, "u" }, { 0xDD, 0xDD, "y" }, { 0xDE, 0xDE, "th" },
	{ 0xDF, 0xDF, "ss" }, { 0xE0, 0xE5, "a" }, { 0xE6, 0xE6, "ae" },
	{ 0xE7, 0xE7, "c" }, { 0xE8, 0xEB, "e" }, { 0xEC, 0xEF, "i" },
	{ 0xF0, 0xF0, "d" }, { 0xF1, 0xF1, "n" }, { 0xF2, 0xF6, "o" },
	{ 0xF8, 0xF8, "o" }, { 0xF9, 0xFC, "u" }, { 0xFD, 0xFD, "y" },
	{ 0xFE, 0xFE, "th" }, { 0xFF, 0xFF, "y" },
	{ 0x100, 0x105, "a" }, { 0x106, 0x10D, "c" }, { 0x10E, 0x111, "d" },
	{ 0x112, 0x11B, "e" }, { 0x11C, 0x123, "g" }, { 0x124, 0x127, "h" },
	{ 0x128, 0x131, "i" }, { 0x132, 0x133, "ij" }, { 0x134, 0x135, "j" },
	{ 0x136, 0x138, "k" }, { 0x139, 0x142, "l" }, { 0x143, 0x14B, "n" },
	{ 0x14C, 0x151, "o" }, { 0x152, 0x153, "oe" }, { 0x154, 0x159, "r" },
	{ 0x15A, 0x161, "s" }, { 0x162, 0x167, "t" }, { 0x168, 0x173, "u" },
	{ 0x174, 0x175, "w" }, { 0x176, 0x178, "y" }, { 0x179, 0x17E, "z" },
	{ 0x17F, 0x17F, "s" },
};

static const char *latin_ascii(unsigned cp)
{
	for (size_t i = 0; i < ARRAY_SIZE(latin_folds); i++) {
		if (cp >= latin_folds[i].first && cp <= latin_folds[i].last)
			return latin_folds[i].ascii;
	}
	return NULL;
}

/* A folded key under construction: words of lower-case ASCII (and any
 * bytes we cannot fold, kept so they never match by accident) joined by
 * single spaces.  ok turns false when the key outgrows its array. */
struct fold {
	char key[COUNTRY_KEY_MAX];
	size_t len;
	size_t word;	/* where the current word starts */
	bool in_word;
	bool ok;
};

static void fold_put(struct fold *f, char c)
{
	if (f->len + 1 >= sizeof(f->key)) {
		f->ok = false;
		return;
	}
	f->key[f->len++] = c;
}

/* Add c to the current word, starting a new word if there is none. */
static void fold_letter(struct fold *f, char c)
{
	if (!f->in_word) {
		if (f->len > 0)
			fold_put(f, ' ');
		f->word = f->len;
		f->in_word = true;
	}
	fold_put(f, c);
}

static void fold_letters(struct fold *f, const char *s)
{
	while (*s)
		fold_letter(f, *s++);
}

/* End the current word.  "The" opens many names informally ("the
 * Netherlands", "The Gambia") but never ISO's, so a leading one goes;
 * "St" is how people write "Saint" in "St Lucia" or "St. Helena". */
static void fold_break(struct fold *f)
{
	size_t n;

	if (!f->in_word)
		return;
	f->in_word = false;
	n = f->len - f->word;
	if (f->word == 0 && n == 3 && memcmp(f->key, "the", 3) == 0) {
		f->len = 0;
	} else if (n == 2 && memcmp(f->key + f->word, "st", 2) == 0) {
		f->len = f->word;
		for (const char *p = "saint"; *p; p++)
			fold_put(f, *p);
	}
}

/* One multi-byte UTF-8 character at s (n bytes available); returns the
 * bytes used.  Accented Latin letters fold to ASCII, typographic
 * apostrophes vanish like ASCII ones, dashes and Latin-1 symbols (NBSP
 * among them) break words; anything else is kept as raw bytes so that it
 * can only ever match itself. */
static size_t fold_utf8(struct fold *f, const unsigned char *s, size_t n)
{
	if (s[0] >= 0xC2 && s[0] <= 0xDF && n >= 2 && (s[1] & 0xC0) == 0x80) {
		unsigned cp = ((unsigned)(s[0] & 0x1F) << 6) | (s[1] & 0x3F);
		const char *ascii = latin_ascii(cp);

		if (ascii)
			fold_letters(f, ascii);
		else if (cp <= 0xBF || cp == 0xD7 || cp == 0xF7)
			fold_break(f);
		else
			goto raw;
		return 2;
	}
	if (s[0] == 0xE2 && n >= 3 && s[1] == 0x80 && s[2] >= 0x90 &&
	    s[2] <= 0x99) {
		if (s[2] <= 0x95)
			fold_break(f);	/* hyphens and dashes */
		return 3;		/* U+2018, U+2019: quotes, apostrophes */
	}
raw:
	fold_letter(f, (char)s[0]);
	return 1;
}

static bool fold_text(struct fold *f, const char *text, size_t len)
{
	const unsigned char *s = (const unsigned char *)text;
	size_t i = 0;

	f->len = 0;
	f->word = 0;
	f->in_word = false;
	f->ok = true;
	while (i < len && f->ok) {
		unsigned char c = s[i];

		if (c >= 0x80) {
			i += fold_utf8(f, s + i, len - i);
			continue;
		}
		i++;
		if (is_alpha_ascii(c) || (c >= '0' && c <= '9')) {
			fold_letter(f, (char)tolower(c));
		} else if (c == '.' || c == '\'' || c == '`') {
			/* inside words: "U.K.", "Côte d'Ivoire" */
		} else if (c == '&') {
			fold_break(f);
			fold_letters(f, "and");
			fold_break(f);
		} else {
			fold_break(f);
		}
	}
	fold_break(f);
	if (!f->ok)
		return false;
	f->key[f->len] = '\0';
	return true;
}

/* ---- building the indexes -------------------------------------------- */

static int name_cmp(const struct folded_name *a, const char *key, size_t len)
{
	if (a->len != len)
		return a->len < len ? -1 : 1;
	return memcmp(a->key, key, len);
}

static int name_order(const void *pa, const void *pb)
{
	const struct folded_name *a = pa, *b = pb;
	int c = name_cmp(a, b->key, b->len);

	if (c)
		return c;
	return a->prio < b->prio ? -1 : a->prio > b->prio;
}

static size_t code_slot(const char *code, size_t n)
{
	size_t slot = 0;

	for (size_t i = 0; i < n; i++)
		slot = slot * 26 + (size_t)(code[i] - 'A');
	return slot;
}

/* Add a folded name; table strings too long to fold can never match. */
static void index_name(struct country_index *x, const char *text,
		       size_t country, size_t prio)
{
	struct folded_name *n = &x->names[x->n_names];
	struct fold f;

	if (!fold_text(&f, text, strlen(text)) || f.len == 0)
		return;
	memcpy(n->key, f.key, f.len);
	n->len = (unsigned char)f.len;
	n->country = (unsigned char)country;
	n->prio = (unsigned short)prio;
	x->n_names++;
}

static void index_build(void)
{
	struct country_index *x = &index_tables;

	/* Codes are upper-case ASCII letters (a unit test checks it); the
	 * first entry with a code keeps it, as a scan in order would. */
	for (size_t i = 0; i < COUNTRY_COUNT; i++) {
		size_t s2 = code_slot(countries[i].alpha2, 2);
		size_t s3 = code_slot(countries[i].alpha3, 3);

		if (!x->by_alpha2[s2])
			x->by_alpha2[s2] = (unsigned char)(i + 1);
		if (!x->by_alpha3[s3])
			x->by_alpha3[s3] = (unsigned char)(i + 1);
	}
	for (size_t i = 0; i < COUNTRY_COUNT; i++)
		index_name(x, countries[i].name, i, i);
	for (size_t i = 0; i < ARRAY_SIZE(aliases); i++) {
		unsigned char c = x->by_alpha2[code_slot(aliases[i].alpha2, 2)];

		if (c)
			index_name(x, aliases[i].text, c - 1u,
				   COUNTRY_COUNT + i);
	}
	qsort(x->names, x->n_names, sizeof(x->names[0]), name_order);
}

/* The first name or alias (in search order) that folds to key, or NULL. */
static const struct country *by_folded_name(const struct fold *key)
{
	const struct country_index *x = country_index();
	size_t lo = 0, hi = x->n_names;

	while (lo < hi) {	/* the first entry not below key */
		size_t mid = lo + (hi - lo) / 2;

		if (name_cmp(&x->names[mid], key->key, key->len) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	if (lo < x->n_names && !name_cmp(&x->names[lo], key->key, key->len))
		return &countries[x->names[lo].country];
	return NULL;
}

/* If text is two or three letters once dots are dropped ("U.K.", "gbr"),
 * copy them to code and return how many; else 0. */
static size_t code_letters(const char *text, size_t len, char code[3])
{
	size_t n = 0;

	for (size_t i = 0; i < len; i++) {
		if (text[i] == '.')
			continue;
		if (!is_alpha_ascii((unsigned char)text[i]) || n == 3)
			return 0;
		code[n++] = text[i];
	}
	return n >= 2 ? n : 0;
}

const struct country *country_lookup(const char *text, size_t len)
{
	const struct country *c = NULL;
	struct fold key;
	char code[3];
	size_t n;

	if (!text)
		return NULL;
	/* the common case, a code as it is: what the rest would find, without
	 * trimming and copying (three lookups a record in a CSV scan) */
	if (len == 2 && (c = by_code2(text)) != NULL)
		return c;
	while (len > 0 && isspace((unsigned char)text[0])) {
		text++;
		len--;
	}
	while (len > 0 && isspace((unsigned char)text[len - 1]))
		len--;

	n = code_letters(text, len, code);
	if (n == 2)
		c = by_code2(code);
	else if (n == 3)
		c = by_code3(code);
	if (c)
		return c;

	if (!fold_text(&key, text, len) || key.len == 0)
		return NULL;
	return by_folded_name(&key);
}
