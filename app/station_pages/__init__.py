"""A station as each audience sees it: live status and keepers' posts, nearby and the map, the public page,
the staff overview, a keeper's stations and summary. It sits above the areas it draws on."""
