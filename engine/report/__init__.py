"""The run report: one self-contained HTML file with the seed's ten sections (`ck report RUN`)."""
