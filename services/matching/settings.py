from __future__ import annotations

from typing import Literal

from common.settings import CommonSettings


class MatchingSettings(CommonSettings):
    matching_database_url: str = "sqlite:///./var/matching.db"
    # Empty: the embedded local index (stored at local_index_path). Set: an Elasticsearch URL.
    elasticsearch_url: str = ""
    index_alias: str = "maillage-offers"
    # The HNSW graph's storage on Elasticsearch: "hnsw" (float32), "int8_hnsw" or "bbq_hnsw" (quantized);
    # applies to indexes created from then on (`maillage reindex` moves the offers to the new kind).
    es_vector_index: Literal["hnsw", "int8_hnsw", "bbq_hnsw"] = "hnsw"
    local_index_path: str = "./var/offer_index.db"
    # The index encoder: "use" (multilingual USE, the default), "minilm" (English) or "hashing" (lexical,
    # for tests and very small machines).
    encoder: str = "use"
    # Occupation linking of offer titles and target jobs to the ROME: "use" (char n-grams + multilingual
    # USE, the measured default), "lexical" (char n-grams only) or "none".
    linker: str = "use"
    # Where the linker keeps the vectors of the taxonomies' labels (a cold build takes a minute or two).
    linking_cache: str = ""
    # Vectors of recently embedded texts kept in memory (~2.2 KB each with USE): a pause, new hours, a
    # re-import or a reindex then costs no embedding. 0 turns the cache off.
    embedding_cache_entries: int = 50_000
    offers_url: str = "http://127.0.0.1:8101"
    profiles_url: str = "http://127.0.0.1:8102"
    consumer_group: str = "maillage-matching"
    # Events handled together (one embedding batch, one bulk write); Kafka's fetch batching is in
    # CommonSettings (consumer_fetch_min_bytes, consumer_linger_ms).
    consumer_batch_records: int = 256
