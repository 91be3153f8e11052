"""MDC (Nuxt Content) to MkDocs Material converter."""
