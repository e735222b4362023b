// SPDX-License-Identifier: GPL-2.0
/*
 * The Kbuild reader (index/kbuild*.c): which .c files a configuration
 * builds, as `netscope index` decides it from a kernel tree's makefiles.
 * The input is a makefile, optionally preceded by a configuration in
 * .config syntax and a line "%%":
 *
 *	CONFIG_A=y
 *	%%
 *	obj-$(CONFIG_A) += a.o
 *
 * It is written as d/Makefile of a private tree on tmpfs that also holds
 * a few .c files and a subdirectory (d/sub/), so objects can be found.
 * Make refuses loops (x = $(x)$(x), a composite object containing
 * itself): the reader must too, not hang; run with -timeout.
 */
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <sys/stat.h>
#include "index/kbuild.h"
#include "fuzz_util.h"

static char tree[64];
static const char *const files[] = {
	"d/a.c", "d/b.c", "d/c.c", "d/self.c", "d/ring.c", "d/comp_a.c", "d/sub/s.c",
};

static int put(const char *rel, const void *data, size_t size)
{
	char path[128];
	int fd;
	ssize_t w;

	snprintf(path, sizeof(path), "%s/%s", tree, rel);
	fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		return -1;
	w = write(fd, data, size);
	close(fd);
	return w == (ssize_t)size ? 0 : -1;
}

static void remove_tree(void)
{
	char path[128];

	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++) {
		snprintf(path, sizeof(path), "%s/%s", tree, files[i]);
		unlink(path);
	}
	snprintf(path, sizeof(path), "%s/d/sub/Makefile", tree);
	unlink(path);
	snprintf(path, sizeof(path), "%s/d/Makefile", tree);
	unlink(path);
	snprintf(path, sizeof(path), "%s/.config", tree);
	unlink(path);
	snprintf(path, sizeof(path), "%s/d/sub", tree);
	rmdir(path);
	snprintf(path, sizeof(path), "%s/d", tree);
	rmdir(path);
	rmdir(tree);
}

int LLVMFuzzerInitialize(int *argc, char ***argv)
{
	static const char sub[] = "obj-y += s.o\n";
	char path[128];

	/* /dev/shm: tmpfs, so millions of rewrites never touch a disk */
	snprintf(tree, sizeof(tree), "/dev/shm/netscope-fuzz-kbuild.XXXXXX");
	if (!mkdtemp(tree))
		return 1;
	atexit(remove_tree);
	snprintf(path, sizeof(path), "%s/d", tree);
	mkdir(path, 0755);
	snprintf(path, sizeof(path), "%s/d/sub", tree);
	mkdir(path, 0755);
	for (size_t i = 0; i < sizeof(files) / sizeof(files[0]); i++)
		put(files[i], "", 0);
	return put("d/sub/Makefile", sub, sizeof(sub) - 1);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static const char dflt[] = "CONFIG_A=y\nCONFIG_B=m\nCONFIG_STR=\"hello\"\n";
	const uint8_t *mk = data, *sep = memmem(data, size, "\n%%\n", 4);
	struct kbuild_config *cfg = NULL;
	struct kbuild_list l = { 0 };
	char path[128];

	if (sep) {
		if (put(".config", data, (size_t)(sep - data) + 1))
			return 0;
		mk = sep + 4;
	} else if (put(".config", dflt, sizeof(dflt) - 1)) {
		return 0;
	}
	if (put("d/Makefile", mk, size - (size_t)(mk - data)))
		return 0;
	snprintf(path, sizeof(path), "%s/.config", tree);
	if (kbuild_config_load(path, &cfg))
		return 0;
	kbuild_config_get(cfg, "CONFIG_A");
	kbuild_select(cfg, tree, "d", &l);
	kbuild_list_sort(&l);
	kbuild_list_free(&l);
	kbuild_config_free(cfg);
	return 0;
}
