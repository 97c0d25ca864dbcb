DROP TABLE IF EXISTS tracker.portfolio_facts CASCADE;
