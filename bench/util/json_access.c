// SPDX-License-Identifier: GPL-2.0-only
#include "json_access.h"

#include <stdio.h>
#include <string.h>

const char *fb_json_str(json_object *o, const char *key, const char *dflt)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return dflt;
	return json_object_get_string(v);
}

double fb_json_num(json_object *o, const char *key, double dflt)
{
	json_object *v;

	if (!o || !json_object_object_get_ex(o, key, &v) || !v)
		return dflt;
	return json_object_get_double(v);
}

json_object *fb_json_path(json_object *o, const char *dotted)
{
	char buf[256], *save = NULL;

	snprintf(buf, sizeof(buf), "%s", dotted);
	for (char *t = strtok_r(buf, ".", &save); t && o; t = strtok_r(NULL, ".", &save))
		if (!json_object_object_get_ex(o, t, &o))
			return NULL;
	return o;
}

/* The copy axes a stores cell answers with its own fields (schema 2). */
