package dbfile

import (
	"fmt"

	"github.com/klauspost/compress/zstd"
)

// NewEncoder returns the record compressor. EncodeAll on it is safe for
// concurrent use.
func NewEncoder() (*zstd.Encoder, error) {
	enc, err := zstd.NewWriter(nil,
		zstd.WithEncoderLevel(zstd.SpeedDefault),
		zstd.WithEncoderConcurrency(1),
		zstd.WithZeroFrames(true))
	if err != nil {
		return nil, fmt.Errorf("creating zstd encoder: %w", err)
	}
	return enc, nil
}

// NewDecoder returns the record decompressor, limited to MaxRecord bytes of
// output. DecodeAll on it is safe for concurrent use.
func NewDecoder() (*zstd.Decoder, error) {
	dec, err := zstd.NewReader(nil,
		zstd.WithDecoderConcurrency(0),
		zstd.WithDecoderMaxMemory(MaxRecord))
	if err != nil {
		return nil, fmt.Errorf("creating zstd decoder: %w", err)
	}
	return dec, nil
}
