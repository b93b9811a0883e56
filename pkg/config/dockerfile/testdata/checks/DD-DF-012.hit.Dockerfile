FROM alpine:3.20
COPY id_rsa /root/.ssh/id_rsa
COPY ["config/.env", "/app/.env"]
COPY --chown=app tls/server.key certs/ /etc/tls/
USER 1000
