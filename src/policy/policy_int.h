/*
 * policy_int.h - shared between the files of the policy module only.
 *
 * The loader keeps each policy file's text while it loads, so that any
 * check can point at the exact line and column of an element, of one of
 * its attributes, or of a character inside an attribute's value.
 */
#ifndef STEWARD_POLICY_INT_H
#define STEWARD_POLICY_INT_H

#include "policy/policy.h"

struct policy_text {
	const char *path;	/* as shown in messages (in the arena) */
	const char *data;	/* the file's bytes, NUL-terminated */
	size_t len;
	size_t *lines;		/* byte offset of each line's start */
	size_t n_lines;
	size_t *tags;		/* byte offset of each start tag's '<' */
	size_t n_tags;
	size_t doctype;		/* offset of a <!DOCTYPE, or SIZE_MAX */
};

struct policy_loader {
	struct policy *p;
	struct policy_text *texts;
	size_t n_texts;
	struct diag_list *errors;
	int nomem;
};

/* Index a file's lines and start tags.  Returns 0 or ST_ERR_NOMEM. */
int policy_text_index(struct policy_text *t);
void policy_text_release(struct policy_text *t);

/* Position of a byte offset in a text. */
struct policy_loc policy_text_loc(const struct policy_text *t, size_t offset);

/* Position of attribute name's value in elem's start tag (the first byte
 * of the value plus at); elem's own position when the attribute is absent. */
struct policy_loc policy_attr_loc(const struct policy_loader *L,
				  struct policy_loc elem, const char *name,
				  size_t at);
/* Position of the attribute's name itself (for "unknown attribute" etc.). */
struct policy_loc policy_attr_name_loc(const struct policy_loader *L,
				       struct policy_loc elem, const char *name);

void policy_error(struct policy_loader *L, struct policy_loc loc,
		  const char *fmt, ...) PRINTF_LIKE(3, 4);

/* policy_xml.c: parse, validate and build the model from every file. */
int policy_xml_load(struct policy_loader *L);

/* policy_check.c: resolve references and check meaning. */
void policy_check(struct policy_loader *L);

#endif
