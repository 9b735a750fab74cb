//
// Copyright (c) 2026 The wsout authors
//
// Distributed under the Boost Software License, Version 1.0. (See accompanying
// file LICENSE or copy at http://www.boost.org/LICENSE_1_0.txt)
//

// The one instantiation of the plain test server (see the end of
// test_server.hpp), in the wsout_test_support library every test links.

#include "support/test_server.hpp"

template class wsout_test::basic_ws_server<wsout_test::plain_layer>;
