"""Post results: readings of what each post did per channel (store, numbers, import, best time)."""
