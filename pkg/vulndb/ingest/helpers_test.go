package ingest

import "github.com/drydockhq/drydock/pkg/model"

func modelEco(s string) model.Ecosystem { return model.Ecosystem(s) }
