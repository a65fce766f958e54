"""gunicorn settings for the web service: `make run`, the README's command, and `make bench`.

gunicorn also reads this file by itself when started from the repository's root folder.

Two worker processes of four threads each (gunicorn's gthread worker). A plain sync worker serves one
connection at a time, and after each answer it waits for the client (Alexa's front end, or the HTTPS
proxy) to close the connection before it takes the next; with threads, the worker answers other
requests meanwhile. On two cores this about doubled the requests per second `make bench` measured,
for /health and signed requests alike (README, "Speed"). The skill is safe in threads: one SQLite
connection per thread, the certificate cache behind a lock and one chain validation at a time
(tests/test_web_verification.py), and `make soak` runs 8 threads per worker.
"""
workers = 2
threads = 4
