// SPDX-License-Identifier: GPL-2.0-only
/*
 * The backends by name.  Here, beside them, and not in the engine: the
 * engine runs whatever backend it is handed and knows none of them.
 */
#include <string.h>

#include "backend.h"

/* Every backend, by name (--backend, the experiments' tables). */
static const struct fb_backend *const backends[] = {
	&fb_backend_user, &fb_backend_kmod, &fb_backend_migrate, &fb_backend_stores,
};

const struct fb_backend *fb_backend_find(const char *name)
{
	for (size_t i = 0; i < sizeof(backends) / sizeof(backends[0]); i++)
		if (!strcmp(name, backends[i]->name))
			return backends[i];
	return NULL;
}
