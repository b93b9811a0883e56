FROM debian:bookworm
RUN <<EOT
set -e
curl -fsSL https://deb.nodesource.com/setup_20.x | bash -
EOT
USER 1000
