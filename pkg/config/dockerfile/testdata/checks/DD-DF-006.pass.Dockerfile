FROM alpine:3.20
COPY app.py requirements.txt /app/
ADD vendor.tar.gz /app/vendor/
USER 1000
