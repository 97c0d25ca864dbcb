# Tracker service image: built with `docker compose build`, run by docker-compose.yml against its `db` service.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY global.json Directory.Build.props Directory.Packages.props Tracker.sln ./
COPY src/Tracker/Tracker.csproj src/Tracker/
RUN dotnet restore src/Tracker/Tracker.csproj
COPY src/ src/
COPY migrations/ migrations/
COPY seeds/ seeds/
RUN dotnet publish src/Tracker/Tracker.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080 \
    ASPNETCORE_ENVIRONMENT=Production
EXPOSE 8080
USER app
ENTRYPOINT ["dotnet", "Tracker.dll"]
