ARG RUNTIME=nginx
ARG PINNED
FROM node AS build
RUN npm ci

FROM nginx:latest
COPY --from=build /dist /usr/share/nginx/html
USER nginx

FROM ${RUNTIME} AS runtime
COPY --from=build /dist /usr/share/nginx/html
USER nginx

FROM ${PINNED:-nginx}
USER nginx
