package vulndb

import (
	"cmp"
	"context"
	"slices"
	"sync"
	"time"

	"github.com/drydockhq/drydock/pkg/model"
	"github.com/drydockhq/drydock/pkg/vulndb/osv"
)

// Memory is a Store held in memory, for tests of the packages that use a
// Store. It indexes entries exactly as a DB file does.
type Memory struct {
	mu     sync.RWMutex
	closed bool
	byKey  map[memKey][]*osv.Entry
	info   model.DBInfo
}

var _ Store = (*Memory)(nil)

type memKey struct{ eco, name string }

// NewMemory returns a Store holding entries. An entry whose ID repeats an
// earlier one replaces it. Info reports SchemaVersion, a zero BuiltAt, one
// source "memory" and per-ecosystem counts.
func NewMemory(entries ...*osv.Entry) *Memory {
	byID := make(map[string]*osv.Entry, len(entries))
	for _, e := range entries {
		byID[e.ID] = e
	}
	m := &Memory{
		byKey: make(map[memKey][]*osv.Entry),
		info: model.DBInfo{
			SchemaVersion: SchemaVersion,
			BuiltAt:       time.Time{},
			Sources:       []model.DBSource{{Name: "memory", Records: len(byID)}},
			Counts:        make(map[string]int),
		},
	}
	for _, e := range byID {
		seenKey := make(map[memKey]bool)
		seenEco := make(map[string]bool)
		for _, a := range e.Affected {
			if a.Package.Ecosystem == "" || a.Package.Name == "" {
				continue
			}
			eco := model.Ecosystem(a.Package.Ecosystem)
			k := memKey{a.Package.Ecosystem, NormalizeName(eco, a.Package.Name)}
			if !seenKey[k] {
				seenKey[k] = true
				m.byKey[k] = append(m.byKey[k], e)
			}
			if !seenEco[a.Package.Ecosystem] {
				seenEco[a.Package.Ecosystem] = true
				m.info.Counts[a.Package.Ecosystem]++
			}
		}
	}
	for _, list := range m.byKey {
		slices.SortFunc(list, func(a, b *osv.Entry) int { return cmp.Compare(a.ID, b.ID) })
	}
	return m
}

// Affecting implements Store.
func (m *Memory) Affecting(ctx context.Context, eco model.Ecosystem, name string) ([]*osv.Entry, error) {
	if err := ctx.Err(); err != nil {
		return nil, err
	}
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return nil, ErrClosed
	}
	list := m.byKey[memKey{string(eco), NormalizeName(eco, name)}]
	if len(list) == 0 {
		return nil, nil
	}
	return slices.Clone(list), nil
}

// Info implements Store.
func (m *Memory) Info(ctx context.Context) (model.DBInfo, error) {
	m.mu.RLock()
	defer m.mu.RUnlock()
	if m.closed {
		return model.DBInfo{}, ErrClosed
	}
	return cloneInfo(m.info), nil
}

// Close implements Store.
func (m *Memory) Close() error {
	m.mu.Lock()
	defer m.mu.Unlock()
	m.closed = true
	return nil
}
