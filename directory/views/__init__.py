"""Directory views: `public` (search, group, professional); practitioner views live beside it."""
