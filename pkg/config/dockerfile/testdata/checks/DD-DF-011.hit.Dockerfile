FROM node AS build
RUN npm ci

FROM nginx:latest
COPY --from=build /dist /usr/share/nginx/html
USER nginx
