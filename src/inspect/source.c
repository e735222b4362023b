// SPDX-License-Identifier: GPL-2.0
/*
 * Kernel source trees: open one, pick the fetched one closest to the running
 * kernel, find the header that defines a struct, and fetch Debian's
 * linux-source package.  Only apt-get reaches the network; the package is
 * downloaded into a temporary directory, never installed, and only the
 * folders netscope reads are extracted (about a sixth of the tree).
 */
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include "common/log.h"
#include "inspect/kerneldoc.h"
#include "inspect/source.h"

/* the packages Debian bookworm ships; apt-cache says which it can get */
static const char *const debian_versions[] = { "6.12", "6.1", NULL };

/* what netscope reads: struct definitions, and later the index's sources */
static const char *const tree_parts[] = {
	"Makefile", "include/*", "net/*", "drivers/net/*", "arch/x86/include/*", NULL,
};

const char *source__cache_dir(void)
{
	const char *env = getenv("NETSCOPE_SOURCE_CACHE");

	return env && *env ? env : SOURCE_CACHE_DIR;
}

void source__running_version(char *buf, size_t size)
{
	struct utsname u;

	if (uname(&u)) {
		snprintf(buf, size, "?");
		return;
	}
	snprintf(buf, size, "%.*s", (int)strcspn(u.release, "-"), u.release);
}

/* VERSION = 6, PATCHLEVEL = 12, SUBLEVEL = 117 from the top Makefile */
static void makefile_version(const char *dir, char *buf, size_t size)
{
	char path[PATH_MAX + 16], line[256];
	long v[3] = { -1, -1, -1 };
	static const char *const keys[] = { "VERSION", "PATCHLEVEL", "SUBLEVEL" };
	FILE *f;

	buf[0] = '\0';
	snprintf(path, sizeof(path), "%s/Makefile", dir);
	f = fopen(path, "r");
	if (!f)
		return;
	for (int n = 0; n < 40 && fgets(line, sizeof(line), f); n++)
		for (int k = 0; k < 3; k++) {
			size_t kl = strlen(keys[k]);
			char *p = line + kl;

			if (strncmp(line, keys[k], kl) || (*p != ' ' && *p != '='))
				continue;
			p += strspn(p, " =");
			v[k] = isdigit((unsigned char)*p) ? strtol(p, NULL, 10) : v[k];
		}
	fclose(f);
	if (v[0] >= 0 && v[1] >= 0)
		snprintf(buf, size, "%d.%d.%d", (int)v[0], (int)v[1], v[2] < 0 ? 0 : (int)v[2]);
}

int source__open(const char *dir, struct source_tree *t)
{
	char path[PATH_MAX + 16];
	struct stat st;
	FILE *f;

	memset(t, 0, sizeof(*t));
	if (stat(dir, &st) || !S_ISDIR(st.st_mode))
		return -ENOENT;
	snprintf(path, sizeof(path), "%s/include", dir);
	if (stat(path, &st) || !S_ISDIR(st.st_mode))
		return -ENOTDIR;
	snprintf(t->dir, sizeof(t->dir), "%s", dir);
	makefile_version(dir, t->version, sizeof(t->version));
	snprintf(path, sizeof(path), "%s/" SOURCE_STAMP, dir);
	f = fopen(path, "r");
	if (f) {
		char line[256];

		while (fgets(line, sizeof(line), f))
			if (!strncmp(line, "package=", 8))
				snprintf(t->package, sizeof(t->package), "%.*s",
					 (int)strcspn(line + 8, "\n"), line + 8);
		fclose(f);
	}
	return 0;
}

/* major * 1000 + minor: how far apart two kernel versions are */
static long version_key(const char *v)
{
	char *end;
	long major = strtol(v, &end, 10), minor = *end == '.' ? strtol(end + 1, NULL, 10) : 0;

	return major * 1000 + minor;
}

int source__default(struct source_tree *t)
{
	char running[32], dir[PATH_MAX];
	long want, best = -1;
	struct source_tree cand;

	source__running_version(running, sizeof(running));
	want = version_key(running);
	for (int i = 0; debian_versions[i]; i++) {
		long d;

		snprintf(dir, sizeof(dir), "%s/linux-source-%s", source__cache_dir(), debian_versions[i]);
		if (source__open(dir, &cand))
			continue;
		d = labs(version_key(debian_versions[i]) - want);
		if (best < 0 || d < best) {
			best = d;
			*t = cand;
		}
	}
	return best < 0 ? -ENOENT : 0;
}

/* ---- finding a struct ---- */

struct finder {
	const char *kind, *name;
	char *buf;
	size_t cap, len;
	char found[PATH_MAX];
};

/* 1 when path defines the struct (its text left in f->buf), 0 if not */
static int try_file(struct finder *f, const char *path)
{
	struct stat st;
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (fd < 0)
		return 0;
	if (fstat(fd, &st) || !S_ISREG(st.st_mode)) {
		close(fd);
		return 0;
	}
	if ((size_t)st.st_size + 1 > f->cap) {
		char *b = realloc(f->buf, st.st_size + 1);

		if (!b) {
			close(fd);
			return -ENOMEM;
		}
		f->buf = b;
		f->cap = st.st_size + 1;
	}
	n = read(fd, f->buf, st.st_size);
	close(fd);
	if (n < 0)
		return 0;
	f->buf[n] = '\0';
	f->len = n;
	return kdoc__find_def(f->buf, n, f->kind, f->name) ? 1 : 0;
}

static int walk(struct finder *f, char *path, size_t plen, size_t cap)
{
	DIR *d = opendir(path);
	struct dirent *de;
	int ret = 0;

	if (!d)
		return 0;
	while (!ret && (de = readdir(d))) {
		size_t nl = strlen(de->d_name);

		if (de->d_name[0] == '.' || plen + nl + 2 > cap)
			continue;
		path[plen] = '/';
		memcpy(path + plen + 1, de->d_name, nl + 1);
		if (de->d_type == DT_DIR)
			ret = walk(f, path, plen + 1 + nl, cap);
		else if (nl > 2 && de->d_name[nl - 2] == '.' &&
			 (de->d_name[nl - 1] == 'h' || de->d_name[nl - 1] == 'c') &&
			 (ret = try_file(f, path)) == 1)
			snprintf(f->found, sizeof(f->found), "%s", path);
	}
	path[plen] = '\0';
	closedir(d);
	return ret;
}

int source__find_struct(const struct source_tree *t, const char *kind, const char *name,
			char *rel, size_t rel_size, char **text, size_t *len)
{
	/* where the structs people ask about live: no walk needed for them */
	static const char *const likely[] = {
		"include/linux/skbuff.h", "include/net/sock.h", "include/net/inet_sock.h",
		"include/linux/tcp.h", "include/net/inet_connection_sock.h",
		"include/net/inet_timewait_sock.h", "include/net/request_sock.h",
		"include/linux/netdevice.h", "include/linux/ipv6.h", "include/linux/udp.h",
		"include/net/dst.h", "include/net/netns/ipv4.h", NULL,
	};
	static const char *const roots[] = { "include", "net", "drivers/net", "arch/x86/include", NULL };
	struct finder f = { .kind = kind, .name = name };
	char path[PATH_MAX * 2];
	int ret = 0;

	for (int i = 0; likely[i] && !ret; i++) {
		snprintf(path, sizeof(path), "%s/%s", t->dir, likely[i]);
		ret = try_file(&f, path);
		if (ret == 1)
			snprintf(f.found, sizeof(f.found), "%s", path);
	}
	for (int i = 0; roots[i] && !ret; i++) {
		snprintf(path, sizeof(path), "%s/%s", t->dir, roots[i]);
		ret = walk(&f, path, strlen(path), sizeof(path));
	}
	if (ret != 1) {
		free(f.buf);
		return ret < 0 ? ret : -ENOENT;
	}
	snprintf(rel, rel_size, "%s", f.found + strlen(t->dir) + 1);
	*text = f.buf;
	*len = f.len;
	return 0;
}

/* ---- fetching ---- */

/* 'x' for the shell, with ' written '\'' */
static void shell_quote(const char *s, char *out, size_t size)
{
	size_t n = 0;

	if (size)
		out[n++] = '\'';
	for (; *s && n + 6 < size; s++) {
		if (*s == '\'') {
			memcpy(out + n, "'\\''", 4);
			n += 4;
		} else {
			out[n++] = *s;
		}
	}
	out[n++] = '\'';
	out[n] = '\0';
}

int source__available(char *buf, size_t size)
{
	char line[256], pkg[64] = "";
	size_t len = 0;
	int n = 0;
	FILE *p = popen("apt-cache policy linux-source-6.12 linux-source-6.1 2>/dev/null", "r");

	buf[0] = '\0';
	if (!p)
		return 0;
	while (fgets(line, sizeof(line), p)) {
		char *c = line + strspn(line, " ");

		if (!strncmp(line, "linux-source-", 13))
			snprintf(pkg, sizeof(pkg), "%.*s", (int)strcspn(line + 13, ":\n"), line + 13);
		else if (!strncmp(c, "Candidate: ", 11) && pkg[0] && strncmp(c + 11, "(none)", 6)) {
			len += snprintf(buf + len, len < size ? size - len : 0, "%s%s", n ? " " : "", pkg);
			n++;
		}
	}
	pclose(p);
	return n;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static long long du_bytes(const char *qdir)
{
	char cmd[PATH_MAX * 4 + 32];
	long long bytes = -1;
	FILE *p;

	snprintf(cmd, sizeof(cmd), "du -sb %s 2>/dev/null", qdir);
	p = popen(cmd, "r");
	if (p) {
		if (fscanf(p, "%lld", &bytes) != 1)
			bytes = -1;
		pclose(p);
	}
	return bytes;
}

static int pick_version(const char *want, char *out, size_t size)
{
	char avail[128], running[32], *save, *v;
	long best = -1;

	if (!source__available(avail, sizeof(avail))) {
		/* an empty apt cache (fresh container): fill it once */
		printf("apt knows no linux-source package yet: running apt-get update\n");
		fflush(stdout);
		if (system("apt-get update -qq") || !source__available(avail, sizeof(avail))) {
			ns_err("apt-get finds no linux-source-6.12 or linux-source-6.1 package; "
			       "check the Debian suites in /etc/apt/sources.list");
			return -ENOENT;
		}
	}
	source__running_version(running, sizeof(running));
	out[0] = '\0';
	for (v = strtok_r(avail, " ", &save); v; v = strtok_r(NULL, " ", &save)) {
		long d = labs(version_key(v) - version_key(running));

		if (want ? !strcmp(v, want) : (best < 0 || d < best)) {
			best = d;
			snprintf(out, size, "%s", v);
		}
	}
	if (!out[0]) {
		source__available(avail, sizeof(avail));
		ns_err("unknown version '%s'; available: %s", want, avail);
		return -EINVAL;
	}
	return 0;
}

/* extract tree_parts of the package's tarball into staging, with progress */
static int extract(const char *deb, const char *ver, const char *staging)
{
	char cmd[PATH_MAX * 8], qdeb[PATH_MAX * 4 + 8], qdir[PATH_MAX * 4 + 8], line[PATH_MAX];
	size_t len;
	long files = 0;
	FILE *p;

	shell_quote(deb, qdeb, sizeof(qdeb));
	shell_quote(staging, qdir, sizeof(qdir));
	len = snprintf(cmd, sizeof(cmd),
		       "set -o pipefail; dpkg-deb --fsys-tarfile %s | tar -xO ./usr/src/linux-source-%s.tar.xz | "
		       "tar -xJv -C %s --strip-components=1 --wildcards", qdeb, ver, qdir);
	for (int i = 0; tree_parts[i]; i++)
		len += snprintf(cmd + len, sizeof(cmd) - len, " 'linux-source-%s/%s'", ver, tree_parts[i]);
	/* bash for pipefail: a failed dpkg-deb must fail the extraction */
	{
		static char wrapped[sizeof(cmd) * 2 + 64], q[sizeof(cmd) * 2];

		shell_quote(cmd, q, sizeof(q));
		snprintf(wrapped, sizeof(wrapped), "bash -c %s", q);
		p = popen(wrapped, "r");
	}
	if (!p)
		return -errno;
	while (fgets(line, sizeof(line), p)) {
		/* one line per file; a line every 2,000 files is progress enough */
		if (++files % 2000 == 0) {
			printf("  %6ld files  %s", files, line + strcspn(line, "/") + 1);
			fflush(stdout);
		}
	}
	printf("  %6ld files extracted\n", files);
	return pclose(p) ? -EIO : 0;
}

/*
 * Debian's linux-headers-<abi>-<flavour> package of the same build as the
 * source package: it carries what `make prepare` would generate (autoconf.h
 * from Debian's .config, asm-offsets.h, bounds.h, the arch's generic
 * wrappers) and the .config itself.  The index parses the source with that
 * configuration, so the two must come from one build: the headers package
 * is chosen by its version being the source package's (pkgver).
 */
static int headers_package(const char *ver, const char *pkgver, char *out, size_t size)
{
	char cmd[512], line[256], arch[32] = "", qv[64];
	bool found = false;
	FILE *p;

	p = popen("dpkg --print-architecture", "r");
	if (!p || !fgets(arch, sizeof(arch), p)) {
		if (p)
			pclose(p);
		return -ENOENT;
	}
	pclose(p);
	arch[strcspn(arch, "\n")] = '\0';
	/* linux-headers-6.12.117+deb12-amd64: the ABI name starts with the upstream version */
	shell_quote(pkgver, qv, sizeof(qv));
	snprintf(cmd, sizeof(cmd),
		 "apt-cache pkgnames linux-headers-%.*s | grep -E -- '-%s$' | grep -v -E -- '-(cloud|rt)-' | "
		 "while read -r p; do [ \"$(apt-cache policy \"$p\" | sed -n 's/ *Candidate: //p')\" = %s ] && "
		 "echo \"$p\"; done", (int)strcspn(pkgver, "-"), pkgver, arch, qv);
	p = popen(cmd, "r");
	if (!p)
		return -errno;
	while (fgets(line, sizeof(line), p))
		if (!found) {
			snprintf(out, size, "%.*s", (int)strcspn(line, "\n"), line);
			found = true;
		}
	pclose(p);
	(void)ver;
	return found ? 0 : -ENOENT;
}

/*
 * Download the headers package into tmp and extract its generated headers,
 * .config and include/config/auto.conf (what Kbuild reads to pick the files
 * a configuration builds) into the staging tree.
 */
static int fetch_headers(const char *ver, const char *pkgver, const char *tmp, const char *staging,
			 char *pkg, size_t pkg_size)
{
	char cmd[PATH_MAX * 10], qtmp[PATH_MAX * 4], qdir[PATH_MAX * 4];
	int err;

	err = headers_package(ver, pkgver, pkg, pkg_size);
	if (err) {
		ns_warn("apt knows no linux-headers package of version %s: the source index "
			"(netscope index) will lack the kernel configuration", pkgver);
		return err;
	}
	printf("downloading %s (the configuration and generated headers of that build)\n", pkg);
	fflush(stdout);
	shell_quote(tmp, qtmp, sizeof(qtmp));
	shell_quote(staging, qdir, sizeof(qdir));
	snprintf(cmd, sizeof(cmd),
		 "bash -c 'set -o pipefail; cd %s && mkdir -p h && cd h && apt-get download -q %s >/dev/null && "
		 "dpkg-deb --fsys-tarfile %s_*.deb | tar -x -C %s --strip-components=4 --wildcards "
		 "\"./usr/src/%s/.config\" \"./usr/src/%s/include/generated/*\" "
		 "\"./usr/src/%s/arch/*/include/generated/*\" \"./usr/src/%s/include/config/auto.conf\"'",
		 qtmp, pkg, pkg, qdir, pkg, pkg, pkg, pkg);
	if (system(cmd)) {
		ns_warn("cannot download or extract %s: the source index will lack the kernel configuration", pkg);
		return -EIO;
	}
	return 0;
}

int source__fetch(const char *version, const char *dir)
{
	char ver[16], tmp[] = "/var/tmp/netscope-fetch.XXXXXX", target[PATH_MAX], staging[PATH_MAX + 16];
	char cmd[PATH_MAX * 16], qtmp[PATH_MAX * 4], deb[PATH_MAX], pkgver[128] = "", headers[128] = "";
	double t0 = now_s(), t_dl;
	struct dirent *de;
	struct stat st;
	long long deb_bytes = 0, tree_bytes;
	DIR *d;
	FILE *f;
	int err;

	err = pick_version(version, ver, sizeof(ver));
	if (err)
		return err;
	if (dir)
		snprintf(target, sizeof(target), "%s", dir);
	else
		snprintf(target, sizeof(target), "%s/linux-source-%s", source__cache_dir(), ver);
	snprintf(staging, sizeof(staging), "%s.partial", target);
	if (!mkdtemp(tmp)) {
		err = -errno;
		ns_err("cannot create a temporary directory in /var/tmp: %s", strerror(errno));
		return err;
	}
	/* apt-get downloads as the _apt user when it can reach the directory */
	chmod(tmp, 0755);
	shell_quote(tmp, qtmp, sizeof(qtmp));
	printf("downloading linux-source-%s with apt-get into %s\n", ver, tmp);
	fflush(stdout);
	snprintf(cmd, sizeof(cmd), "cd %s && apt-get download -q linux-source-%s", qtmp, ver);
	if (system(cmd)) {
		ns_err("apt-get download linux-source-%s failed", ver);
		err = -EIO;
		goto cleanup;
	}
	t_dl = now_s() - t0;
	d = opendir(tmp);
	deb[0] = '\0';
	while (d && (de = readdir(d)))
		if (strstr(de->d_name, ".deb")) {
			snprintf(deb, sizeof(deb), "%s/%s", tmp, de->d_name);
			/* linux-source-6.12_6.12.117-1~deb12u1_all.deb */
			snprintf(pkgver, sizeof(pkgver), "%.*s", (int)strcspn(strchr(de->d_name, '_') + 1, "_"),
				 strchr(de->d_name, '_') + 1);
		}
	if (d)
		closedir(d);
	if (!deb[0] || stat(deb, &st)) {
		ns_err("apt-get download left no .deb in '%s'", tmp);
		err = -ENOENT;
		goto cleanup;
	}
	deb_bytes = st.st_size;
	printf("downloaded %s (%.0f MB) in %.1f s; extracting net/, include/, drivers/net/, "
	       "arch/x86/include/ into %s\n", strrchr(deb, '/') + 1, deb_bytes / 1e6, t_dl, target);
	fflush(stdout);
	shell_quote(staging, qtmp, sizeof(qtmp));
	snprintf(cmd, sizeof(cmd), "rm -rf %s && mkdir -p %s", qtmp, qtmp);
	if (system(cmd)) {
		ns_err("cannot create '%s'", staging);
		err = -EIO;
		goto cleanup;
	}
	err = extract(deb, ver, staging);
	if (err) {
		ns_err("cannot extract linux-source-%s.tar.xz from '%s'", ver, deb);
		goto cleanup;
	}
	if (fetch_headers(ver, pkgver, tmp, staging, headers, sizeof(headers)))
		headers[0] = '\0';
	tree_bytes = du_bytes(qtmp);
	snprintf(cmd, sizeof(cmd), "%s/" SOURCE_STAMP, staging);
	f = fopen(cmd, "w");
	if (f) {
		fprintf(f, "package=linux-source-%s %s\nheaders=%s\ndeb_bytes=%lld\ntree_bytes=%lld\n"
			"seconds=%.1f\nfetched=%ld\n", ver, pkgver, headers[0] ? headers : "none",
			deb_bytes, tree_bytes, now_s() - t0, (long)time(NULL));
		fclose(f);
	}
	/* the tree appears whole or not at all: a half extraction stays .partial */
	{
		char qt[PATH_MAX * 4];

		shell_quote(target, qt, sizeof(qt));
		snprintf(cmd, sizeof(cmd), "rm -rf %s && mv %s %s", qt, qtmp, qt);
		if (system(cmd)) {
			ns_err("cannot move '%s' to '%s'", staging, target);
			err = -EIO;
			goto cleanup;
		}
	}
	printf("fetched linux-source-%s %s: %.0f MB package, %.0f MB extracted into %s in %.1f s\n",
	       ver, pkgver, deb_bytes / 1e6, tree_bytes / 1e6, target, now_s() - t0);
cleanup:
	shell_quote(tmp, qtmp, sizeof(qtmp));
	snprintf(cmd, sizeof(cmd), "rm -rf %s", qtmp);
	if (system(cmd))
		ns_warn("cannot remove '%s'", tmp);
	return err;
}
