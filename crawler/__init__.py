"""newsmon's Scrapy project: settings, items, pipelines, spiders and the pure extractor."""
