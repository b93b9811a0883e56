FROM debian:bookworm
RUN apt-get update && apt-get -y dist-upgrade && apt-get install -y --no-install-recommends ca-certificates
USER 1000
