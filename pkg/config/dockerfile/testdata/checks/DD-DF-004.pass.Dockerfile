FROM alpine:3.20 AS base
HEALTHCHECK --interval=30s CMD wget -qO- http://localhost:8080/healthz || exit 1

FROM base
USER 1000
