FROM debian:bookworm
RUN curl -fsSLo /tmp/setup.sh https://deb.nodesource.com/setup_20.x \
 && echo "0123456789abcdef  /tmp/setup.sh" | sha256sum -c - \
 && bash /tmp/setup.sh
USER 1000
