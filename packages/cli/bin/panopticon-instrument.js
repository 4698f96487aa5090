#!/usr/bin/env node
'use strict';
require('../dist/instrument/main.js').main(process.argv.slice(2));
