/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef FB_JSON_ACCESS_H
#define FB_JSON_ACCESS_H

#include <json-c/json.h>

/* Small accessors of a parsed JSON document (run.json, ab.json, dumps),
 * below every stage that reads one: a missing key or a NULL object gives
 * the default. */
const char *fb_json_str(json_object *o, const char *key, const char *dflt);
double fb_json_num(json_object *o, const char *key, double dflt);
/* "a.b.c": the object at that dotted path, or NULL. */
json_object *fb_json_path(json_object *o, const char *dotted);

#endif
