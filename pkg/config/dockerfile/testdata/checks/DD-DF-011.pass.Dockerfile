ARG BASE=alpine:3.20
FROM node:20.11-alpine AS build
RUN npm ci

FROM build AS test
RUN npm test

FROM ${BASE}
FROM scratch
FROM nginx:latest@sha256:0d17b565c37bcbd895e9d92315a05c1c3c9a29f762b011a10c54a66cd53c9b31
COPY --from=build /dist /usr/share/nginx/html
USER nginx
