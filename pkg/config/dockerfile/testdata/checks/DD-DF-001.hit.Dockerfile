FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /app ./cmd/app
USER 1000

FROM debian:bookworm-slim
COPY --from=build /app /app
USER nobody
RUN mkdir /data
USER root
ENTRYPOINT ["/app"]
