/*
 * names.h - people's names and the ways systems mangle them.  See names.c.
 */
#ifndef GW_NAMES_H
#define GW_NAMES_H

#include "rng.h"

#define NAME_CAP 96

enum culture {
	C_EN, C_IE, C_SC, C_DE, C_FR, C_ES, C_PL, C_NO, C_CN, C_JP, C_SA,
	C_COUNT
};

struct pname {
	char given[NAME_CAP];
	char middle[NAME_CAP];	/* "" when none */
	char family[NAME_CAP];
	unsigned culture;
};

/* A plausible name for someone living in country (enum country). */
void names_pick(struct rng *r, unsigned country, struct pname *n);
/* A familiar form of a given name ("Robert" -> "Bob"), or NULL. */
const char *names_nickname(const char *given, struct rng *r);
/* True when s holds a letter names_fold would change. */
int names_has_accent(const char *s);
/*
 * Accents dropped as a form or keyboard would: "Müller" -> "Muller", or
 * with german set "Mueller"; "Łukasz" -> "Lukasz", "Zoë" -> "Zoe".
 */
void names_fold(char *dst, size_t cap, const char *src, int german);
/* Upper case, accented letters included: "O'Brien" -> "O'BRIEN". */
void names_upper(char *dst, size_t cap, const char *src);
/* Lower-case ASCII email form: "O'Brien" -> "obrien", "Núñez" -> "nunez". */
void names_local(char *dst, size_t cap, const char *src, int german);
/* One keyboard slip (swap, drop or wrong key) in an ASCII stretch of s. */
void names_typo(char *s, struct rng *r);

#endif
