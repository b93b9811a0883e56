FROM golang:1.22 AS build
WORKDIR /src
COPY . .
RUN go build -o /app ./cmd/app

FROM build AS final
USER 10001:10001
ENTRYPOINT ["/app"]
