// inversify needs the Reflect metadata polyfill loaded once per process.
import 'reflect-metadata';
