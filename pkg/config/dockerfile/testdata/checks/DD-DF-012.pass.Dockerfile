FROM alpine:3.20
COPY id_rsa.pub /root/.ssh/authorized_keys
COPY .env.example /app/.env.example
COPY certs/ca-bundle.pem certs/server-cert.pem /etc/tls/
USER 1000
