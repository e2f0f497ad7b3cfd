package server

import (
	"reflect"
	"testing"

	"sshbox/configfmt"
)

func TestListenAddrs(t *testing.T) {
	cases := []struct {
		o    configfmt.ServerOptions
		want []string
	}{
		{configfmt.ServerOptions{}, []string{"0.0.0.0:22", "[::]:22"}},
		{configfmt.ServerOptions{Port: []int{2222}, AddressFamily: "inet"}, []string{"0.0.0.0:2222"}},
		{configfmt.ServerOptions{Port: []int{1, 2}, ListenAddress: []string{"127.0.0.1", "[::1]:3", "::1"}},
			[]string{"127.0.0.1:1", "127.0.0.1:2", "[::1]:3", "[::1]:1", "[::1]:2"}},
		{configfmt.ServerOptions{Port: []int{5}, ListenAddress: []string{"10.0.0.1 rdomain0"}}, []string{"10.0.0.1:5"}},
	}
	for _, c := range cases {
		got, err := ListenAddrs(&c.o)
		if err != nil || !reflect.DeepEqual(got, c.want) {
			t.Errorf("%+v: %v %v, want %v", c.o, got, err, c.want)
		}
	}
	if _, err := ListenAddrs(&configfmt.ServerOptions{ListenAddress: []string{"1.2.3.4:http"}}); err == nil {
		t.Error("bad port accepted")
	}
}

func TestListenBothFamilies(t *testing.T) {
	ls, err := Listen([]string{"127.0.0.1:0", "[::1]:0", "192.0.2.1:1"}, nil)
	if err != nil {
		t.Fatal(err)
	}
	defer func() {
		for _, l := range ls {
			l.Close()
		}
	}()
	if len(ls) < 1 {
		t.Fatal("no listener")
	}
}
