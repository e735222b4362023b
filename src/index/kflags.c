// SPDX-License-Identifier: GPL-2.0
/*
 * Clang arguments for the files of a kernel tree, as Kbuild builds an
 * x86-64 object (Makefile, arch/x86/Makefile, scripts/Makefile.lib of
 * 6.x), reduced to what changes the AST: include paths, forced includes,
 * defines and the options that change types (char signedness, wchar size).
 */
#include <ctype.h>
#include <dlfcn.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/stat.h>
#include <zlib.h>
#include "index/clang_api.h"
#include "common/log.h"
#include "index/kflags.h"
#include "inspect/source.h"

int ix_crc32_file(const char *path, uint32_t *crc)
{
	unsigned char buf[65536];
	uLong c = crc32(0L, Z_NULL, 0);
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while ((n = read(fd, buf, sizeof(buf))) > 0)
		c = crc32(c, buf, (uInt)n);
	if (n < 0) {
		int err = -errno;

		close(fd);
		return err;
	}
	close(fd);
	*crc = (uint32_t)c;
	return 0;
}

static bool is_file(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISREG(st.st_mode);
}

static bool is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* "Debian clang version 14.0.6" -> "14.0.6" */
static void clang_version(char *buf, size_t size)
{
	CXString s = clang_getClangVersion();
	const char *v = clang_getCString(s), *p = v ? strstr(v, "version ") : NULL;

	buf[0] = '\0';
	if (p) {
		p += 8;
		snprintf(buf, size, "%.*s", (int)strspn(p, "0123456789."), p);
	}
	clang_disposeString(s);
}

/*
 * -nostdinc (the kernel brings its own headers) also drops clang's own
 * (stddef.h, the x86 intrinsics some files use), so they are named with
 * -isystem, from the libclang we run with: its resource directory sits next
 * to the shared object, <libdir>/clang/<version>/include, the way libclang
 * finds it itself (CIndexer::getClangResourcesPath).
 */
/* dir when it holds clang's stddef.h */
static int try_resource(const char *dir, char *buf, size_t size)
{
	char path[PATH_MAX + 16];

	snprintf(path, sizeof(path), "%s/stddef.h", dir);
	if (!is_file(path) || strlen(dir) >= size)
		return -ENOENT;
	strcpy(buf, dir);
	return 0;
}

int ix_clang_resource_include(char *buf, size_t size)
{
	char ver[32], cand[PATH_MAX + 64];
	Dl_info info;

	if (ix_clang_load())
		return -ENOENT;
	clang_version(ver, sizeof(ver));
	if (!ver[0])
		return -ENOENT;
	if (dladdr((void *)clang_getClangVersion, &info) && info.dli_fname) {
		char *copy = strdup(info.dli_fname), *real;

		if (!copy)
			return -ENOMEM;
		snprintf(cand, sizeof(cand), "%s/clang/%s/include", dirname(copy), ver);
		free(copy);
		if (!try_resource(cand, buf, size))
			return 0;
		/* through the symlinks: /usr/lib/x86_64-linux-gnu/libclang-14.so.1 */
		real = realpath(info.dli_fname, NULL);
		if (real) {
			snprintf(cand, sizeof(cand), "%s/clang/%s/include", dirname(real), ver);
			free(real);
			if (!try_resource(cand, buf, size))
				return 0;
		}
	}
	/* Debian's layouts, when libclang came from another path */
	snprintf(cand, sizeof(cand), "/usr/lib/llvm-%d/lib/clang/%s/include", atoi(ver), ver);
	if (!try_resource(cand, buf, size))
		return 0;
	snprintf(cand, sizeof(cand), "/usr/lib/clang/%s/include", ver);
	return try_resource(cand, buf, size);
}

static int add(struct ix_flags *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));

static int add(struct ix_flags *f, const char *fmt, ...)
{
	va_list ap;
	char *s;
	int n;

	if (f->argc >= IX_FLAGS_MAX)
		return -ENOSPC;
	va_start(ap, fmt);
	n = vasprintf(&s, fmt, ap);
	va_end(ap);
	if (n < 0)
		return -ENOMEM;
	f->argv[f->argc++] = s;
	return 0;
}

/*
 * The headers Kbuild generates at 'make prepare' time; without them nothing
 * of the kernel parses (every file includes autoconf.h through kconfig.h,
 * and asm/ headers come from arch/x86/include/generated).
 */
static const char *const generated[] = {
	"include/generated/autoconf.h",
	"include/generated/bounds.h",
	"include/generated/uapi/linux/version.h",
	"arch/x86/include/generated/asm",
	"arch/x86/include/generated/uapi/asm",
	NULL,
};

static int check_generated(const struct ix_flags *f)
{
	char path[PATH_MAX + 64];

	for (int i = 0; generated[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->tree, generated[i]);
		if (!access(path, R_OK))
			continue;
		ns_err("kernel tree '%s' has no %s (the headers 'make prepare' generates): "
		       "'netscope source fetch' brings them with Debian's linux-headers package; "
		       "in your own tree run 'make olddefconfig prepare'", f->tree, generated[i]);
		return -ENOENT;
	}
	return 0;
}

/* the configuration Kbuild's Makefiles are evaluated against (kbuild.c reads it) */
static void find_config(struct ix_flags *f)
{
	static const char *const cands[] = {
		"include/config/auto.conf", ".config", "include/generated/autoconf.h", NULL,
	};
	char path[PATH_MAX + 64];

	for (int i = 0; cands[i]; i++) {
		snprintf(path, sizeof(path), "%s/%s", f->tree, cands[i]);
		if (is_file(path)) {
			snprintf(f->config, sizeof(f->config), "%s", path);
			return;
		}
	}
}

static int kernel_args(struct ix_flags *f, const char *resource)
{
	static const char *const incs[] = {
		"arch/x86/include", "arch/x86/include/generated", "include",
		"arch/x86/include/uapi", "arch/x86/include/generated/uapi",
		"include/uapi", "include/generated/uapi", NULL,
	};
	static const char *const forced[] = {
		"include/linux/compiler-version.h", "include/linux/kconfig.h",
		"include/linux/compiler_types.h", NULL,
	};
	static const char *const rest[] = {
		"-D__KERNEL__",
		/* ftrace's fentry call: what arch/x86/Makefile adds, it selects code in ftrace.h */
		"-DCC_USING_FENTRY",
		/*
		 * include/linux/fortify-string.h turns memset/memcpy/strcpy into
		 * inline wrappers around __builtin_* with size checks; the
		 * extractor would then see a call to the wrapper, not the
		 * memset(&sk->sk_x, ...) that writes the member.  Kbuild itself
		 * compiles some files so (lib/string.c, the EFI stub).
		 */
		"-D__NO_FORTIFY",
		"-std=gnu11", "-fshort-wchar", "-funsigned-char", "-fno-strict-aliasing",
		"-m64", "-mno-red-zone", "-mcmodel=kernel",
		/* kernel code warns about much clang would; errors are what count */
		"-Wno-everything",
		NULL,
	};
	int err = 0;

	err = err ?: add(f, "-nostdinc");
	err = err ?: add(f, "-isystem");
	err = err ?: add(f, "%s", resource);
	for (int i = 0; incs[i]; i++)
		err = err ?: add(f, "-I%s/%s", f->tree, incs[i]);
	for (int i = 0; forced[i]; i++) {
		err = err ?: add(f, "-include");
		err = err ?: add(f, "%s/%s", f->tree, forced[i]);
	}
	for (int i = 0; rest[i]; i++)
		err = err ?: add(f, "%s", rest[i]);
	return err;
}

static uint32_t args_crc(const struct ix_flags *f)
{
	uLong c = crc32(0L, Z_NULL, 0);

	for (int i = 0; i < f->argc; i++)
		c = crc32(c, (const Bytef *)f->argv[i], strlen(f->argv[i]) + 1);
	return (uint32_t)c;
}

int ix_flags_init(struct ix_flags *f, const char *dir)
{
	char path[PATH_MAX + 64], resource[PATH_MAX];
	struct source_tree t;
	char *real;
	int err;

	memset(f, 0, sizeof(*f));
	real = realpath(dir, NULL);
	if (!real || !is_dir(real)) {
		ns_err("cannot open source tree '%s': %s", dir, real ? strerror(ENOTDIR) : strerror(errno));
		free(real);
		return -ENOENT;
	}
	snprintf(f->tree, sizeof(f->tree), "%s", real);
	free(real);
	/* source__open reads VERSION from the Makefile; a plain tree has none */
	if (!source__open(f->tree, &t) && t.version[0]) {
		snprintf(path, sizeof(path), "%s/arch/x86/include", f->tree);
		f->kernel = is_dir(path);
		if (f->kernel)
			snprintf(f->version, sizeof(f->version), "%s", t.version);
	}
	if (f->kernel) {
		err = check_generated(f);
		if (err)
			return err;
		err = ix_clang_resource_include(resource, sizeof(resource));
		if (err) {
			ns_err("cannot find clang's own headers (stddef.h) next to libclang: "
			       "install Debian's libclang-common-14-dev");
			return err;
		}
		err = kernel_args(f, resource);
		if (!err) {
			snprintf(path, sizeof(path), "%s/include/generated/autoconf.h", f->tree);
			err = ix_crc32_file(path, &f->config_hash);
		}
		find_config(f);
	} else {
		err = add(f, "-I%s/include", f->tree);
		err = err ?: add(f, "-std=gnu11");
		f->config_hash = args_crc(f);
	}
	if (err) {
		ns_err("cannot build the compiler arguments for '%s': %s", f->tree, strerror(-err));
		ix_flags_free(f);
		return err;
	}
	f->flags_hash = args_crc(f);
	return 0;
}

void ix_flags_free(struct ix_flags *f)
{
	for (int i = 0; i < f->argc; i++)
		free(f->argv[i]);
	f->argc = 0;
}

/* Kbuild's name-fix: module names have '_' where file names have '-' */
static void name_fix(char *s)
{
	for (; *s; s++)
		if (*s == '-')
			*s = '_';
}

int ix_flags_for_file(const struct ix_flags *f, const char *rel, const char *modname,
		      const char **argv, int max, char *buf, size_t size)
{
	char base[256], mod[256], dir[PATH_MAX];
	const char *slash = strrchr(rel, '/'), *name = slash ? slash + 1 : rel;
	size_t blen = strcspn(name, ".");
	int argc = 0, n;

	if (f->argc + 3 > max)
		return -ENOSPC;
	for (int i = 0; i < f->argc; i++)
		argv[argc++] = f->argv[i];
	if (!f->kernel)
		return argc;
	snprintf(base, sizeof(base), "%.*s", (int)blen, name);
	snprintf(mod, sizeof(mod), "%s", modname ? modname : base);
	snprintf(dir, sizeof(dir), "%.*s", slash ? (int)(slash - rel) : 0, rel);
	n = snprintf(buf, size, "-DKBUILD_MODFILE=\"%s%s%s\"", dir, dir[0] ? "/" : "", mod);
	if (n < 0 || (size_t)n + 1 >= size)
		return -ENOSPC;
	argv[argc++] = buf;
	buf += n + 1;
	size -= n + 1;
	name_fix(base);
	name_fix(mod);
	n = snprintf(buf, size, "-DKBUILD_MODNAME=\"%s\"", mod);
	if (n < 0 || (size_t)n + 1 >= size)
		return -ENOSPC;
	argv[argc++] = buf;
	buf += n + 1;
	size -= n + 1;
	n = snprintf(buf, size, "-DKBUILD_BASENAME=\"%s\"", base);
	if (n < 0 || (size_t)n + 1 >= size)
		return -ENOSPC;
	argv[argc++] = buf;
	return argc;
}
