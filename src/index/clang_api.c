// SPDX-License-Identifier: GPL-2.0
/*
 * Loading libclang at run time (clang_api.h says why).  The library is
 * looked up by the soname of the libclang netscope was built against (the
 * runtime package, Debian's libclang1-14; a kernel tree also needs clang's
 * own headers, libclang-common-14-dev, see kflags.c), then by the build's
 * full path for a libclang outside the loader's search path.
 */
#define IX_CLANG_API_IMPL
#include <dlfcn.h>
#include <errno.h>
#include <stdbool.h>
#include <stddef.h>
#include "common/log.h"
#include "index/clang_api.h"

#ifndef IX_LIBCLANG_SONAME
#define IX_LIBCLANG_SONAME "libclang-14.so.13"
#endif
#ifndef IX_LIBCLANG_PATH
#define IX_LIBCLANG_PATH "/usr/lib/llvm-14/lib/libclang.so"
#endif

struct ix_clang_api ix_clang;

int ix_clang_load(void)
{
	static const char *const names[] = { IX_LIBCLANG_SONAME, IX_LIBCLANG_PATH };
	static bool loaded;
	const char *why = "";
	void *h = NULL;

	if (loaded)
		return 0;
	for (size_t i = 0; i < sizeof(names) / sizeof(names[0]) && !h; i++) {
		/* RTLD_NOW: a symbol missing in an odd build fails here, not mid-parse */
		h = dlopen(names[i], RTLD_NOW | RTLD_LOCAL);
		if (!h && !i)
			why = dlerror();
	}
	if (!h) {
		ns_err("cannot load libclang (%s): %s; the source index needs Debian's libclang1-14 "
		       "(and libclang-common-14-dev for kernel trees)", IX_LIBCLANG_SONAME, why);
		return -ENOENT;
	}
#define IX_CLANG_RESOLVE(f)							\
	ix_clang.f = (__typeof__(ix_clang.f))dlsym(h, #f);			\
	if (!ix_clang.f) {							\
		ns_err("libclang (%s) has no %s: is it older than LLVM 14?",	\
		       IX_LIBCLANG_SONAME, #f);					\
		dlclose(h);							\
		return -ENOENT;							\
	}
	IX_CLANG_FUNCS(IX_CLANG_RESOLVE)
#undef IX_CLANG_RESOLVE
	loaded = true;
	return 0;
}
