"""Development tools, outside the runtime package: the illustrative sample data, the
generated reference docs (docs/data.md, docs/grading.md) and the benchmark."""
