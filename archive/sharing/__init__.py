"""Sharing an answer: quote links, share tags, embeds, feeds, sitemap, robots and downloads."""
