#ifndef REFGRAPH_CGRAPHVIZ_SHIM_H
#define REFGRAPH_CGRAPHVIZ_SHIM_H

#include <graphviz/gvc.h>
#include <graphviz/cgraph.h>

/* Graphviz exposes its graph descriptors as mutable C globals (Agdirected and
 * friends). Swift 6 strict concurrency rejects any direct use of a mutable
 * global, so every use goes through these helpers, which copy the value. */
static inline Agdesc_t rg_agdirected(void) { return Agdirected; }
static inline Agdesc_t rg_agstrictdirected(void) { return Agstrictdirected; }

/* agsafeset and agattr take char *, not const char *: these wrappers keep the
 * casts in one place. */
static inline int rg_set(void *obj, const char *name, const char *value, const char *def) {
    return agsafeset(obj, (char *)name, (char *)value, (char *)def);
}
static inline Agsym_t *rg_default(Agraph_t *g, int kind, const char *name, const char *value) {
    return agattr(g, kind, (char *)name, (char *)value);
}
/* Sets an attribute to an HTML-like label (a string made with agstrdup_html),
 * declaring the attribute with an empty default if the graph lacks it. */
static inline int rg_set_html(void *obj, const char *name, const char *html) {
    Agraph_t *g = agraphof(obj);
    int kind = AGTYPE(obj) == AGINEDGE ? AGEDGE : AGTYPE(obj);
    Agsym_t *sym = agattr(g, kind, (char *)name, NULL);
    if (!sym) sym = agattr(g, kind, (char *)name, (char *)"");
    char *s = agstrdup_html(g, (char *)html);
    int r = agxset(obj, sym, s);
    agstrfree(g, s);
    return r;
}

static inline int rg_kind_node(void) { return AGNODE; }
static inline int rg_kind_edge(void) { return AGEDGE; }
static inline int rg_kind_graph(void) { return AGRAPH; }

#endif
