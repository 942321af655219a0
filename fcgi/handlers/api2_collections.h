/*
 * api2 Collections (api2-collections.md §3-4): the tree of authorization containers, effective-permission
 * checks and explain. Visibility and permissions are decided by SQL (migrations/0015).
 */
#ifndef RD_HANDLERS_API2_COLLECTIONS_H
#define RD_HANDLERS_API2_COLLECTIONS_H

#include "../errors.h"

struct rd_req;

/* GET /api2/collections (parent_id, display_name, is_podcast, permission; per_page, _p) */
enum rd_err api2_collections_list(struct rd_req *req);
/* GET /api2/collections/tree (the list's filters): visible collections nested under "children" */
enum rd_err api2_collections_tree(struct rd_req *req);
/* GET /api2/collections/:id */
enum rd_err api2_collections_get(struct rd_req *req);
/* POST /api2/collections: 200 + Location */
enum rd_err api2_collections_create(struct rd_req *req);
/* PUT /api2/collections/:id: every writable field replaced */
enum rd_err api2_collections_replace(struct rd_req *req);
/* PATCH / POST /api2/collections/:id: the given fields changed */
enum rd_err api2_collections_update(struct rd_req *req);
/* DELETE /api2/collections/:id: 204, also for an unknown id */
enum rd_err api2_collections_delete(struct rd_req *req);
/* GET /api2/collections/:id/permissions[?user_id=] */
enum rd_err api2_collections_permissions(struct rd_req *req);
/* GET /api2/collections/:id/permissions/:permission/explain[?user_id=] */
enum rd_err api2_collections_explain(struct rd_req *req);

#endif
