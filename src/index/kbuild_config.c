// SPDX-License-Identifier: GPL-2.0
/*
 * Loading a kernel configuration: the CONFIG_ symbols of auto.conf or
 * .config, or of autoconf.h.  Apart from the makefile evaluator because
 * these are other formats (CONFIG_X=y lines, #defines), read once per
 * run; to the evaluator the symbols are just more variables
 * (kb_var_value()).
 */
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include "index/kbuild_priv.h"

struct kbuild_config {
	struct strmap syms;
};

static int set_sym(struct kbuild_config *c, const char *name, size_t nlen, const char *value)
{
	char key[256];
	struct var *v;
	char *val;

	if (nlen >= sizeof(key))
		return 0;
	memcpy(key, name, nlen);
	key[nlen] = '\0';
	v = kb_map_get(&c->syms, key);
	val = strdup(value);
	if (!v || !val) {
		free(val);
		return -ENOMEM;
	}
	free(v->value);
	v->value = val;
	return 0;
}

static bool is_sym_char(char c)
{
	return isalnum((unsigned char)c) || c == '_';
}

/* CONFIG_X=y, CONFIG_X="str"; '# CONFIG_X is not set' is a comment like any other */
static int parse_dotconfig_line(struct kbuild_config *c, char *line)
{
	size_t n = strspn(line, "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_");

	if (strncmp(line, "CONFIG_", 7) || line[n] != '=')
		return 0;
	line[strcspn(line, "\n")] = '\0';
	return set_sym(c, line, n, line + n + 1);
}

/* #define CONFIG_X 1 (=y), #define CONFIG_X_MODULE 1 (=m), #define CONFIG_S "str" */
static int parse_autoconf_line(struct kbuild_config *c, char *line)
{
	char *p = line, *name, *val;
	size_t n;

	if (strncmp(p, "#define CONFIG_", 15))
		return 0;
	name = p + 8;
	for (n = 0; is_sym_char(name[n]); n++)
		;
	val = name + n;
	val += strspn(val, " \t");
	val[strcspn(val, "\n")] = '\0';
	if (n > 7 && !strncmp(name + n - 7, "_MODULE", 7) && !strcmp(val, "1")) {
		int err = set_sym(c, name, n, "y");

		return err ?: set_sym(c, name, n - 7, "m");
	}
	return set_sym(c, name, n, !strcmp(val, "1") ? "y" : val);
}

int kbuild_config_load(const char *path, struct kbuild_config **out)
{
	size_t len = strlen(path);
	bool header = len > 2 && !strcmp(path + len - 2, ".h");
	struct kbuild_config *c;
	char line[4096];
	FILE *f;
	int err = 0;

	f = fopen(path, "r");
	if (!f)
		return -errno;
	c = calloc(1, sizeof(*c));
	if (!c) {
		fclose(f);
		return -ENOMEM;
	}
	while (!err && fgets(line, sizeof(line), f))
		err = header ? parse_autoconf_line(c, line) : parse_dotconfig_line(c, line);
	fclose(f);
	if (err) {
		kbuild_config_free(c);
		return err;
	}
	*out = c;
	return 0;
}

void kbuild_config_free(struct kbuild_config *c)
{
	if (!c)
		return;
	kb_map_free(&c->syms);
	free(c);
}

const char *kbuild_config_get(const struct kbuild_config *c, const char *name)
{
	const struct var *v = c ? kb_map_find(&c->syms, name) : NULL;

	return v ? v->value : NULL;
}
