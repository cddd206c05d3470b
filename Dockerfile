# Exflow runtime + designer in one image. Build: docker compose build
FROM node:20-bookworm-slim
WORKDIR /app
COPY . .
RUN npx -y pnpm@10.34.8 install --frozen-lockfile \
 && npx -y pnpm@10.34.8 --filter @exflow/designer build
ENV PORT=3000 NODE_ENV=production
EXPOSE 3000
CMD ["npx", "-y", "pnpm@10.34.8", "--filter", "@exflow/runtime", "start"]
