package model

// Status is a non-fatal problem met during a scan: a file that could not be
// parsed, an entry that was skipped. Scans go on and report them.
type Status struct {
	// Source is who reported it: an extractor name, "walk", "image", ...
	Source string `json:"source"`
	// Layer is the diff ID of the layer concerned, if any.
	Layer Digest `json:"layer,omitempty"`
	// Path is the file or tar entry concerned, if any.
	Path string `json:"path,omitempty"`
	// Message says what went wrong.
	Message string `json:"message"`
}

// String renders the status as one line.
func (s Status) String() string {
	out := s.Source + ": "
	if s.Layer != "" {
		out += "layer " + s.Layer.Short() + ": "
	}
	if s.Path != "" {
		out += s.Path + ": "
	}
	return out + s.Message
}
