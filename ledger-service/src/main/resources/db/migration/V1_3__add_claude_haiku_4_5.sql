-- A new model is a migration, never code: add it with its prices (micro-dollars per million tokens).
insert into model_prices (provider_id, model, input_micros_per_million, output_micros_per_million,
                          cached_input_micros_per_million) values
    ('anthropic', 'claude-haiku-4-5', 1000000, 5000000, 100000);
