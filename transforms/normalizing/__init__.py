"""Normalizing: parsed records to clean, comparable stories (text repair and boilerplate,
headline, dateline, people, providers, language) and the quality checks over them."""
