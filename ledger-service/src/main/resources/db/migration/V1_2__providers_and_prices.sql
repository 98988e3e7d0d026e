-- Seed providers and model prices (micro-dollars per million tokens: $3.00/M = 3000000).
-- inputTokens are uncached input, cachedInputTokens input read from a prompt cache.
insert into providers (id, name, enabled, sort_order) values
    ('anthropic',    'Anthropic',            true,  1),
    ('ollama-cloud', 'Ollama Cloud',         false, 2),
    ('ollama',       'Self-Hosted (Ollama)', false, 3),
    ('xai',          'Grok (xAI)',           false, 4);

insert into model_prices (provider_id, model, input_micros_per_million, output_micros_per_million,
                          cached_input_micros_per_million) values
    ('anthropic', 'claude-opus-4',    15000000, 75000000, 1500000),
    ('anthropic', 'claude-sonnet-4',   3000000, 15000000,  300000),
    ('anthropic', 'claude-3-5-haiku',   800000,  4000000,   80000),
    -- Ollama Cloud bills a subscription; these are the rates its usage is attributed at.
    ('ollama-cloud', 'gpt-oss:120b',        150000,  600000,  75000),
    ('ollama-cloud', 'qwen3-coder:480b',    450000, 1800000, 225000),
    ('ollama-cloud', 'deepseek-v3.1:671b',  600000, 1700000, 300000),
    -- Self-hosted models cost nothing per token; the hardware is not the ledger's business.
    ('ollama', 'llama3.1:8b',        0, 0, 0),
    ('ollama', 'qwen2.5-coder:32b',  0, 0, 0),
    ('ollama', 'gpt-oss:20b',        0, 0, 0),
    ('xai', 'grok-4',           3000000, 15000000, 750000),
    ('xai', 'grok-3-mini',       300000,   500000,  75000),
    ('xai', 'grok-code-fast-1',  200000,  1500000,  20000);
