"""Spoken cues: rendered ahead with pyttsx3 in a worker process, played with QtMultimedia.

renderer.py + render_worker.py + cache.py make the WAV files; player.py + mixer.py play them
on the tick; track.py writes a whole routine as one audio file. See docs/speech.md.
"""
