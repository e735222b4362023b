// SPDX-License-Identifier: GPL-2.0
/*
 * Attaching func.bpf.c (func_attach.h).  The object shares the capture
 * object's maps (bpf_map__reuse_fd, before load) and its read-only
 * configuration, copied variable by variable through the two objects' BTF
 * (the same names from capture_maps.bpf.h, at offsets each compiler run
 * chose), so the capture's filters and stack policy hold for function
 * events too.
 *
 * Backends: fentry programs are typed by their target, so the template
 * is loaded once against a known function and then loaded again, from its
 * final instructions (maps already embedded), against each function (as
 * retsnoop's mass attacher does); kprobe.multi attaches one program to
 * every function in one link, by the names resolved here (Debian's libbpf
 * 1.1 glob attach fails, and the discovery already knows the names);
 * single kprobes attach the same program once per function.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <time.h>
#include <unistd.h>
#include <bpf/bpf.h>
#include <bpf/btf.h>
#include <bpf/libbpf.h>
#include "capture/func_attach.h"
#include "capture/func_fentry.h"
#include "common/log.h"
#include "common/strmap.h"
#include "func.skel.h"

/* the fentry template is loaded against this function before its clones */
#define TEMPLATE_FUNC "tcp_v4_rcv"

struct func_attach {
	struct func_bpf *skel;
	enum func_backend backend;
	struct bpf_link **links;
	size_t nlinks;
	struct fentry_pool pool; /* fentry: the clones, a slot a function */
	struct func_attach_stats st;
};

static const char *const backend_names[] = {
	[FUNC_BACKEND_AUTO] = "auto",
	[FUNC_BACKEND_FENTRY] = "fentry",
	[FUNC_BACKEND_KPROBE_MULTI] = "kprobe-multi",
	[FUNC_BACKEND_KPROBE] = "kprobe",
};

const char *func_backend_name(enum func_backend b)
{
	return b <= FUNC_BACKEND_KPROBE ? backend_names[b] : "?";
}

int func_backend_parse(const char *s, enum func_backend *out)
{
	for (int i = 0; i <= FUNC_BACKEND_KPROBE; i++)
		if (!strcmp(s, backend_names[i])) {
			*out = i;
			return 0;
		}
	return -EINVAL;
}

static const enum feature_id backend_feature[] = {
	[FUNC_BACKEND_FENTRY] = FEAT_FENTRY,
	[FUNC_BACKEND_KPROBE_MULTI] = FEAT_KPROBE_MULTI,
	[FUNC_BACKEND_KPROBE] = FEAT_KPROBE,
};

enum func_backend func_backend_choose(const struct features *ft, enum func_backend want,
				      size_t nfuncs, char *why, size_t whylen)
{
	static const enum func_backend few[] = { FUNC_BACKEND_FENTRY, FUNC_BACKEND_KPROBE_MULTI,
						  FUNC_BACKEND_KPROBE };
	static const enum func_backend many[] = { FUNC_BACKEND_KPROBE_MULTI, FUNC_BACKEND_FENTRY,
						   FUNC_BACKEND_KPROBE };
	const enum func_backend *order = nfuncs > FUNC_FENTRY_MAX_AUTO ? many : few;
	size_t len = 0;

	why[0] = '\0';
	for (int i = 0; i < 3; i++) {
		enum func_backend b = order[i];
		const struct feature *f = &ft->f[backend_feature[b]];

		if (want != FUNC_BACKEND_AUTO && want != b)
			continue;
		if (f->ok)
			return b;
		len += snprintf(why + len, len < whylen ? whylen - len : 0, "%s%s: %s",
				len ? "; " : "", backend_names[b], f->probed ? f->detail : "not probed");
	}
	return FUNC_BACKEND_AUTO;
}

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* the .rodata DATASEC of an object's BTF, or NULL */
static const struct btf_type *rodata_sec(const struct btf *btf)
{
	int id = btf__find_by_name_kind(btf, ".rodata", BTF_KIND_DATASEC);

	return id < 0 ? NULL : btf__type_by_id(btf, id);
}

/*
 * Every read-only variable of dst's object that src's object has too
 * (same name, same size) gets src's value.
 */
static int copy_rodata(struct bpf_object *dst, char *dval, size_t dsize, struct bpf_object *src,
		       char *err, size_t errlen)
{
	const struct btf *dbtf = bpf_object__btf(dst), *sbtf = bpf_object__btf(src);
	const struct btf_type *dsec = dbtf ? rodata_sec(dbtf) : NULL;
	const struct btf_type *ssec = sbtf ? rodata_sec(sbtf) : NULL;
	struct bpf_map *smap = NULL, *m;
	const char *sval;
	size_t ssize = 0;

	bpf_object__for_each_map(m, src)
		if (bpf_map__is_internal(m) && strstr(bpf_map__name(m), ".rodata"))
			smap = m;
	if (!dsec || !ssec || !smap) {
		snprintf(err, errlen, "the BPF objects have no read-only configuration to share");
		return -ENOENT;
	}
	sval = bpf_map__initial_value(smap, &ssize);
	if (!sval) {
		snprintf(err, errlen, "cannot read the capture's configuration");
		return -ENOENT;
	}
	const struct btf_var_secinfo *dv = btf_var_secinfos(dsec);

	for (int i = 0; i < btf_vlen(dsec); i++, dv++) {
		const char *name = btf__name_by_offset(dbtf, btf__type_by_id(dbtf, dv->type)->name_off);
		const struct btf_var_secinfo *sv = btf_var_secinfos(ssec);

		for (int j = 0; j < btf_vlen(ssec); j++, sv++) {
			const char *sname = btf__name_by_offset(sbtf,
								btf__type_by_id(sbtf, sv->type)->name_off);

			if (strcmp(name, sname))
				continue;
			if (sv->size != dv->size || dv->offset + dv->size > dsize ||
			    sv->offset + sv->size > ssize) {
				snprintf(err, errlen, "configuration variable '%s' differs between the "
					 "BPF objects", name);
				return -EINVAL;
			}
			memcpy(dval + dv->offset, sval + sv->offset, dv->size);
			break;
		}
	}
	return 0;
}

/* the capture object's map of the same name for each shared map */
static int reuse_maps(struct bpf_object *dst, struct bpf_object *src, char *err, size_t errlen)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, dst) {
		struct bpf_map *s;
		int ret;

		if (bpf_map__is_internal(m) || !strcmp(bpf_map__name(m), "func_info"))
			continue;
		s = bpf_object__find_map_by_name(src, bpf_map__name(m));
		if (!s) {
			snprintf(err, errlen, "the capture object has no map '%s'", bpf_map__name(m));
			return -ENOENT;
		}
		ret = bpf_map__reuse_fd(m, bpf_map__fd(s));
		if (ret) {
			snprintf(err, errlen, "cannot share map '%s': %s", bpf_map__name(m), strerror(-ret));
			return ret;
		}
	}
	return 0;
}

/* kallsyms addresses of the wanted functions (vmlinux text), 0 when absent */
static int resolve_addrs(const char **names, size_t n, unsigned long *addrs)
{
	struct ns_strmap want = {};
	char line[512], name[256], type;
	unsigned long long a;
	uint32_t idx;
	FILE *f;

	for (size_t i = 0; i < n; i++)
		if (!ns_strmap_put(&want, names[i], i))
			goto nomem;
	f = fopen("/proc/kallsyms", "r");
	if (!f) {
		ns_strmap_free(&want);
		return -errno;
	}
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "%llx %c %255s", &a, &type, name) == 3 && !strchr(line, '[') &&
		    ns_strmap_get(&want, name, &idx) && !addrs[idx])
			addrs[idx] = a;
	fclose(f);
	ns_strmap_free(&want);
	return 0;
nomem:
	ns_strmap_free(&want);
	return -ENOMEM;
}

/*
 * A link descriptor per function (two with fexit) outgrows the usual soft
 * limit of 1024 open files: raise it to the hard limit, and say when even
 * that is short.
 */
static void raise_nofile(size_t need)
{
	struct rlimit rl;

	if (getrlimit(RLIMIT_NOFILE, &rl))
		return;
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need + 64) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
	if (rl.rlim_cur != RLIM_INFINITY && rl.rlim_cur < need + 64)
		ns_warn("%zu functions need %zu open files and the limit is %llu: some will be "
			"refused (ulimit -n)", need / 2, need, (unsigned long long)rl.rlim_cur);
}

static int attach_fentry(struct func_attach *fa, const struct func_set *set, const char **names,
			 size_t n, const struct func_attach_opts *o, char *err, size_t errlen)
{
	const struct bpf_program *progs[2] = { fa->skel->progs.func_fentry,
					       fa->skel->progs.func_fexit };
	struct fentry_kernel kern;
	int first_err = 0;
	const char *first_name = NULL;

	raise_nofile(2 * n); /* fentry and fexit links; without fexit, room to spare */
	fentry_kernel_bpf(&kern, progs);
	if (fentry_pool_init(&fa->pool, n, o->fexit, o->threads, &kern)) {
		snprintf(err, errlen, "no memory for %zu fentry functions", n);
		return -ENOMEM;
	}
	for (size_t i = 0, k = 0; i < set->n; i++)
		if (set->f[i].status == FUNC_TRACEABLE)
			fa->pool.slot[k++].btf_id = set->f[i].btf_id;
	fentry_pool_attach(&fa->pool);
	/* in the order of the set, as one thread would have met them */
	for (size_t k = 0; k < n; k++) {
		int ret = fa->pool.slot[k].err;

		if (ret) {
			fa->st.failed++;
			if (!first_err) {
				first_err = ret;
				first_name = names[k];
			}
		} else {
			fa->st.attached++;
		}
	}
	fentry_pool_attach_times(&fa->pool, &fa->st.fentry);
	if (first_err)
		ns_warn("fentry: %zu of %zu functions refused, first %s: %s", fa->st.failed, n,
			first_name, strerror(-first_err));
	if (!fa->st.attached) {
		snprintf(err, errlen, "fentry could attach to none of %zu functions (%s: %s)", n,
			 first_name ? first_name : "-", strerror(-first_err));
		return first_err ? first_err : -ENOENT;
	}
	return 0;
}

static int attach_kprobe_multi(struct func_attach *fa, const char **names, size_t n, char *err,
			       size_t errlen)
{
	LIBBPF_OPTS(bpf_kprobe_multi_opts, opts, .syms = names, .cnt = n);
	struct bpf_link *l = bpf_program__attach_kprobe_multi_opts(fa->skel->progs.func_kprobe_multi,
								   NULL, &opts);

	if (!l) {
		int ret = -errno;

		snprintf(err, errlen, "kprobe.multi could not attach to the %zu functions: %s", n,
			 strerror(-ret));
		return ret;
	}
	fa->links[fa->nlinks++] = l;
	fa->st.attached = n;
	return 0;
}

static int attach_kprobes(struct func_attach *fa, const char **names, size_t n, char *err,
			  size_t errlen)
{
	int first_err = 0;

	/* a perf event and a link descriptor per function */
	raise_nofile(2 * n);
	for (size_t i = 0; i < n; i++) {
		struct bpf_link *l = bpf_program__attach_kprobe(fa->skel->progs.func_kprobe, false,
								names[i]);

		if (!l) {
			if (!first_err)
				first_err = -errno;
			fa->st.failed++;
			continue;
		}
		fa->links[fa->nlinks++] = l;
		fa->st.attached++;
	}
	if (first_err)
		ns_warn("kprobe: %zu of %zu functions refused: %s", fa->st.failed, n,
			strerror(-first_err));
	if (!fa->st.attached) {
		snprintf(err, errlen, "no kprobe could be attached: %s", strerror(-first_err));
		return first_err ? first_err : -ENOENT;
	}
	return 0;
}

/* func_info: where each function's skb and sock are, by its address */
static int fill_func_info(struct func_attach *fa, const struct func_set *set, const char **names,
			  size_t n, char *err, size_t errlen)
{
	unsigned long *addrs = calloc(n, sizeof(*addrs));
	int fd = bpf_map__fd(fa->skel->maps.func_info), ret;
	size_t missing = 0;

	if (!addrs)
		return -ENOMEM;
	ret = resolve_addrs(names, n, addrs);
	if (ret) {
		snprintf(err, errlen, "cannot read /proc/kallsyms: %s", strerror(-ret));
		free(addrs);
		return ret;
	}
	for (size_t i = 0, k = 0; i < set->n; i++) {
		const struct func_target *t = &set->f[i];
		struct ns_func_info fi = { .skb_arg = t->skb_arg, .sk_arg = t->sk_arg,
					   .ret_skb = t->ret_skb };
		__u64 key;

		if (t->status != FUNC_TRACEABLE)
			continue;
		key = addrs[k++];
		if (!key) {
			missing++;
			continue;
		}
		if (bpf_map_update_elem(fd, &key, &fi, BPF_ANY)) {
			ret = -errno;
			snprintf(err, errlen, "cannot fill func_info: %s", strerror(-ret));
			free(addrs);
			return ret;
		}
	}
	free(addrs);
	if (missing)
		ns_warn("%zu functions have no address in /proc/kallsyms: their events are dropped",
			missing);
	return 0;
}

int func_attach_open(struct func_attach **out, struct bpf_object *capture_obj,
		     const struct func_set *set, enum func_backend backend,
		     const struct func_attach_opts *o, char *err, size_t errlen)
{
	struct func_attach *fa;
	const char **names;
	size_t n;
	double t0 = now_s(), t1;
	int ret;

	*out = NULL;
	names = funcs__traceable(set, &n);
	if (!names || !n) {
		snprintf(err, errlen, "no traceable function to attach to");
		return -ENOENT;
	}
	fa = calloc(1, sizeof(*fa));
	if (!fa || !(fa->links = calloc(n, sizeof(*fa->links)))) {
		free(fa);
		return -ENOMEM;
	}
	fa->backend = backend;
	fa->st.requested = n;
	fa->skel = func_bpf__open();
	if (!fa->skel) {
		ret = -errno;
		snprintf(err, errlen, "cannot open the function BPF object: %s", strerror(-ret));
		goto fail;
	}
	ret = reuse_maps(fa->skel->obj, capture_obj, err, errlen);
	if (!ret)
		ret = copy_rodata(fa->skel->obj, (char *)fa->skel->rodata, sizeof(*fa->skel->rodata),
				  capture_obj, err, errlen);
	if (ret)
		goto fail;
	/* arguments come as numbers (bpf_get_func_arg, registers): CO-RE reads */
	fa->skel->rodata->direct_reads = false;
	bpf_map__set_max_entries(fa->skel->maps.func_info, n);
	bpf_program__set_autoload(fa->skel->progs.func_fentry, backend == FUNC_BACKEND_FENTRY);
	bpf_program__set_autoload(fa->skel->progs.func_fexit,
				  backend == FUNC_BACKEND_FENTRY && o->fexit);
	bpf_program__set_autoload(fa->skel->progs.func_kprobe_multi,
				  backend == FUNC_BACKEND_KPROBE_MULTI);
	bpf_program__set_autoload(fa->skel->progs.func_kprobe, backend == FUNC_BACKEND_KPROBE);
	if (backend == FUNC_BACKEND_FENTRY) {
		bpf_program__set_attach_target(fa->skel->progs.func_fentry, 0, TEMPLATE_FUNC);
		bpf_program__set_attach_target(fa->skel->progs.func_fexit, 0, TEMPLATE_FUNC);
	}
	ret = func_bpf__load(fa->skel);
	if (ret) {
		snprintf(err, errlen, "cannot load the function BPF programs: %s%s", strerror(-ret),
			 ns_verbose ? "" : " (run with -v for the verifier log)");
		goto fail;
	}
	ret = fill_func_info(fa, set, names, n, err, errlen);
	if (ret)
		goto fail;
	t1 = now_s();
	switch (backend) {
	case FUNC_BACKEND_FENTRY:
		/* for fentry, loading and attaching go together, one clone a function */
		ret = attach_fentry(fa, set, names, n, o, err, errlen);
		break;
	case FUNC_BACKEND_KPROBE_MULTI:
		ret = attach_kprobe_multi(fa, names, n, err, errlen);
		break;
	case FUNC_BACKEND_KPROBE:
		ret = attach_kprobes(fa, names, n, err, errlen);
		break;
	default:
		snprintf(err, errlen, "no function backend chosen");
		ret = -EINVAL;
	}
	if (ret)
		goto fail;
	fa->st.load_s = t1 - t0;
	fa->st.attach_s = now_s() - t1;
	*out = fa;
	return 0;
fail:
	func_attach_close(fa, NULL);
	return ret;
}

void func_attach_stats(const struct func_attach *fa, struct func_attach_stats *st)
{
	*st = fa->st;
}

enum func_backend func_attach_backend(const struct func_attach *fa)
{
	return fa->backend;
}

void func_attach_close(struct func_attach *fa, struct func_detach_stats *ds)
{
	double t0 = now_s();

	if (!fa)
		return;
	if (ds)
		memset(ds, 0, sizeof(*ds));
	for (size_t i = 0; i < fa->nlinks; i++)
		bpf_link__destroy(fa->links[i]);
	if (fa->pool.slot) {
		fentry_pool_detach(&fa->pool);
		if (ds)
			fentry_pool_detach_times(&fa->pool, ds);
		fentry_pool_free(&fa->pool);
	}
	func_bpf__destroy(fa->skel);
	if (ds)
		ds->total_s = now_s() - t0;
	free(fa->links);
	free(fa);
}
