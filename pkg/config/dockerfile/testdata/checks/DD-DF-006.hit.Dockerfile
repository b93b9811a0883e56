FROM alpine:3.20
ADD app.py requirements.txt /app/
USER 1000
