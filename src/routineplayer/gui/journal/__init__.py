"""The journal's front-end: pain ratings, history, movement assessment, safety notice, recorder."""
