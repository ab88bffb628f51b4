// SPDX-License-Identifier: GPL-2.0-only
#include "cell_record.h"

#include <stdio.h>
#include <string.h>

#include "json_access.h"

static const struct {
	const char *copy, *stores;
} stores_fields[] = {
	{ "primitive", "store_kernel" },
	{ "folio_size", "record_size" },
	{ "folio_count", "record_count" },
};

json_object *fb_config_get(json_object *cfg, const char *key)
{
	json_object *v = fb_json_path(cfg, key);

	for (size_t i = 0; !v && i < sizeof(stores_fields) / sizeof(stores_fields[0]); i++)
		if (!strcmp(key, stores_fields[i].copy))
			v = fb_json_path(cfg, stores_fields[i].stores);
	return v;
}

const char *fb_cell_kpath_text(json_object *cell, bool full, char *buf, size_t len)
{
	json_object *cfg = fb_json_path(cell, "config");
	struct fb_kpath_record r;
	/* a function's cell is named by its mode, a stores cell by its routine */
	const char *prefix = fb_json_path(cfg, "function") ? fb_json_str(cfg, "mode", NULL) : NULL;

	if (fb_cell_kpath(cell, &r))
		return NULL;
	return full ? fb_kpath_full(&r, prefix, buf, len) : fb_kpath_concise(&r, prefix, buf, len);
}

int fb_cell_kpath(json_object *cell, struct fb_kpath_record *r)
{
	json_object *o = fb_json_path(cell, "kernel_path");
	enum fb_kroutine kr;
	enum fb_kernel_model km;

	memset(r, 0, sizeof(*r));
	r->routine = r->model = -1;
	if (!o || !json_object_is_type(o, json_type_object) || !fb_json_str(o, "impl", NULL))
		return -1;
	if (!fb_kroutine_parse(fb_json_str(o, "routine", ""), &kr))
		r->routine = (int)kr;
	if (!fb_kernel_model_parse(fb_json_str(o, "model", ""), &km))
		r->model = (int)km;
	snprintf(r->impl, sizeof(r->impl), "%s", fb_json_str(o, "impl", ""));
	snprintf(r->why, sizeof(r->why), "%s", fb_json_str(o, "why", ""));
	return 0;
}
