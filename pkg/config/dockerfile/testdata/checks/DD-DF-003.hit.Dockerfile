ARG NPM_TOKEN=npm_8a3f9c2d1e
FROM node:20-alpine
ENV NODE_ENV=production \
    DB_PASSWORD="s3cr3t-pa55"
LABEL org.example.api-token="tok_live_123"
USER node
